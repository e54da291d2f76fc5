"""One JSON error body for every error of the API (drf-standardized-errors):

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "...", "detail": "a message a person can read", "attr": "field" | null}]}

A business rule's refusal (common.errors.DomainError, raised by a service) is a 409 Conflict with
the service's own message, never a 500."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status

from common.errors import DomainError


class Conflict(exceptions.APIException):
    """The request is well formed but a business rule refuses it (out of stock, an order
    that can no longer be cancelled ...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class ShopExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DomainError):
            code = getattr(exc, "code", None) or _snake(type(exc).__name__)
            return Conflict(detail=str(exc), code=code)
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=exc.messages)
        return super().convert_known_exceptions(exc)


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
