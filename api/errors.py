"""One JSON error body for every error of the API (drf-standardized-errors):

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "...", "detail": "a message a person can read", "attr": "field" | null}]}

A business rule's refusal (common.errors.DomainError, raised by a service) is a 409 Conflict with
the service's own message, never a 500."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status

from accounts.lockout import lockout_message
from common.errors import DomainError


class Conflict(exceptions.APIException):
    """The request is well formed but a business rule refuses it (out of stock, an order
    that can no longer be cancelled ...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class LockedOut(exceptions.Throttled):
    """Signing in is paused for this account from this address (django-axes,
    accounts/lockout.py): the same 429, Retry-After and message as the sign-in page. Its code is
    "throttled", the one code the schema documents for a 429; the detail says why."""

    def __init__(self):
        super().__init__(wait=settings.AXES_COOLOFF_TIME.total_seconds(), detail=lockout_message())


class ShopExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        # Axes refuses a locked-out account's credentials inside authenticate(), which a token
        # view reports as wrong ones (401); the flag it leaves on the request says why.
        if getattr(self.context.get("request"), "axes_locked_out", False):
            return LockedOut()
        if isinstance(exc, exceptions.AuthenticationFailed):
            return _authentication_failed(exc)
        if isinstance(exc, DomainError):
            code = getattr(exc, "code", None) or _snake(type(exc).__name__)
            return Conflict(detail=str(exc), code=code)
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=exc.messages)
        return super().convert_known_exceptions(exc)


def _authentication_failed(exc: exceptions.AuthenticationFailed) -> exceptions.APIException:
    """One error with the code the schema documents for a 401. simplejwt's own (an invalid or
    expired token, "no active account") carry a code of their own and, for a token, a dict of
    details that would become five errors, one per key."""
    detail = exc.detail
    if isinstance(detail, dict):
        detail = detail.get("detail", "")
    converted = exceptions.AuthenticationFailed(detail=str(detail))
    converted.auth_header = getattr(exc, "auth_header", None)
    if getattr(exc, "status_code", 401) != converted.status_code:  # no authenticator: a 403
        converted.status_code = exc.status_code
    return converted


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
