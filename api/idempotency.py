"""`Idempotency-Key` for the operations a client must be able to retry safely (placing an order,
starting a payment, asking for a refund): a retried request gets the first answer (same status
and body, with `Idempotent-Replayed: true`) instead of doing the work twice, also when the two
arrive at the same instant.

How: the key's row (api.models.IdempotencyKey, unique per user, operation and key) is inserted
in the same transaction as the work and its answer. A second request with the same key blocks on
that insert (PostgreSQL's unique index; SQLite's write lock, the project's transactions being
IMMEDIATE) until the first commits, then finds the row and replays it. A request the work refuses
(a 4xx raised as an exception) rolls the row back with everything else: nothing is remembered
and the client may retry with the same key. The same key with another request body is a 422."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# How long an answer is kept for a retry (idempotency_keys_purge, api.purge_idempotency_keys).
KEEP_FOR = timedelta(days=1)

# For extend_schema(parameters=[...]) of every operation that honours the header.
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per operation the client means (a UUID): a retry with the same key gets "
        "the first answer again instead of doing the work twice. At most 255 characters."
    ),
)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was already used with another request. "
        "Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def request_key(request: Request) -> str | None:
    """The request's Idempotency-Key, None without one; a 400 if it is empty or too long."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise exceptions.ValidationError(
            {HEADER: [_("An Idempotency-Key is 1 to 255 characters long.")]}
        )
    return key


def idempotent(request: Request, *, scope: str, work: Callable[[], Response]) -> Response:
    """Answer `request` by `work()`, once per Idempotency-Key (see the module's docstring).
    Without the header the work is simply done."""
    key = request_key(request)
    if key is None or not request.user.is_authenticated:
        return work()
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user=request.user,
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=0,
                    body=None,
                )
        except IntegrityError:
            # Another request with this key committed first (we waited on its insert).
            first = IdempotencyKey.objects.get(user=request.user, scope=scope, key=key)
            return _replay(first, fingerprint)
        response = work()
        if not status.is_success(response.status_code):
            transaction.set_rollback(True)
            return response
        row.status_code = response.status_code
        row.body = response.data
        row.save(update_fields=["status_code", "body"])
    return response


def _replay(first: IdempotencyKey, fingerprint: str) -> Response:
    if first.fingerprint != fingerprint:
        raise KeyReused()
    return Response(first.body, status=first.status_code, headers={REPLAYED_HEADER: "true"})


def idempotency_keys_purge(*, older_than: timedelta = KEEP_FOR) -> int:
    """Forget the answers kept longer than `older_than` (a client retries within minutes, not
    days): a key that old is a new request again. Returns how many were deleted."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
