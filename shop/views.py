"""Project-wide views: health, and the error pages in the shop's style."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import integrations


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = integrations.run_checks()
    healthy = all(c.ok for c in checks if c.required)
    body = {
        "status": "ok"
        if healthy and all(c.ok for c in checks)
        else ("degraded" if healthy else "down"),
        "checks": {
            c.name: {"ok": c.ok, "required": c.required, "detail": c.detail, "ms": c.ms}
            for c in checks
        },
    }
    return JsonResponse(body, status=200 if healthy else 503)


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None):
    return render(request, "400.html", status=400)
