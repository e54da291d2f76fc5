"""Called by carriers' servers: their tracking events (docs/carrier-webhook.md). Mounted without
a language prefix and without CSRF (the HMAC signature authenticates each event). Every refusal
is a 4xx with a JSON body {"error": {"code", "message"}}; bad input never gets a 5xx."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .services import tracking

# Far larger than any one event; a larger body is refused unread.
MAX_BODY_BYTES = 16 * 1024
SIGNATURE_HEADER = "X-Carrier-Signature"

_HTTP_STATUS: dict[type[tracking.TrackingError], int] = {
    tracking.UnknownCarrier: 404,
    tracking.BadSignature: 401,
    tracking.MalformedEvent: 400,
    tracking.UnknownTrackingNumber: 404,
}


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
def carrier_event(request: HttpRequest, code: str) -> JsonResponse:
    """One tracking event: 200 with what became of it (applied, recorded or duplicate)."""
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Send events with POST."))
        response["Allow"] = "POST"
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1  # not a number: refused unread, as a body too large is
    if not 0 <= length <= MAX_BODY_BYTES:
        return _error(
            413,
            "body_too_large",
            _("A body has at most %(limit)s bytes.") % {"limit": MAX_BODY_BYTES},
        )
    if length and request.content_type != "application/json":
        # Also keeps a form post, whose body middleware has already read, from reaching .body.
        return _error(
            415,
            "unsupported_media_type",
            _("Send events as JSON (Content-Type: application/json)."),
        )
    try:
        result = tracking.tracking_event_receive(
            carrier_code=code,
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        )
    except tracking.TrackingError as error:
        return _error(_HTTP_STATUS.get(type(error), 400), error.code, str(error))
    return JsonResponse(
        {
            "result": str(result.outcome),
            "shipment": result.shipment_number,
            "status": result.status,
        }
    )
