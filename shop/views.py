"""Project-wide views: health, and the error pages in the shop's style."""

import ipaddress
import secrets

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve

from common import integrations
from common.origin import language_redirect, local_path


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def healthz_may_see_details(request: HttpRequest) -> bool:
    """Whether the caller may read each check's detail (exception text, broker and search URLs):
    staff, a caller presenting HEALTHZ_TOKEN as a bearer token, or a process on this machine.
    A request that came through a proxy (it names a forwarded client) is not taken as local,
    whatever address the proxy connects from."""
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and presented:
        return secrets.compare_digest(presented.strip().encode(), token.encode())
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return (
        settings.HEALTHZ_DETAILS_FOR_LOOPBACK
        and not forwarded
        and _is_loopback(request.META.get("REMOTE_ADDR", ""))
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Overall status for anyone (load balancers need only it and the status code); the checks'
    details only for healthz_may_see_details callers, as they name hosts and quote errors."""
    checks = integrations.run_checks()
    healthy = all(c.ok for c in checks if c.required)
    body: dict = {
        "status": "ok"
        if healthy and all(c.ok for c in checks)
        else ("degraded" if healthy else "down"),
    }
    if healthz_may_see_details(request):
        body["checks"] = {
            c.name: {"ok": c.ok, "required": c.required, "detail": c.detail, "ms": c.ms}
            for c in checks
        }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def language_choose(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """The language switcher's links: remember `code` in the language cookie (it then wins over
    the browser's language, shop/languages.py) and show the page the shopper was on (`next`, a
    URL of this site only) in that language. A plain link rather than a form, so the storefront
    pages carry no CSRF token and stay cacheable; changing a display preference is harmless."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    next_url = local_path(request, request.GET.get("next", "")) or "/"
    return language_redirect(next_url, code)


@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (admin, the API's pages): the
    shop's icon. Not permanent: the static file's address changes with its content."""
    response = HttpResponseRedirect(static("img/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def media(request: HttpRequest, path: str, document_root: str) -> HttpResponse:
    """Uploaded images, served by Django where no web server does it. A path the file system
    cannot even look up (a name too long, say) is simply not there."""
    try:
        return serve(request, path, document_root=document_root)
    except OSError as error:
        raise Http404("No such file") from error


def _api_error(request: HttpRequest, status: int, code: str, detail: str) -> JsonResponse | None:
    """Under /api/, the API's own error body (api/errors.py) instead of a page."""
    if not request.path.startswith("/api/"):
        return None
    kind = "server_error" if status >= 500 else "client_error"
    body = {"type": kind, "errors": [{"code": code, "detail": detail, "attr": None}]}
    return JsonResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    return _api_error(request, 404, "not_found", "Not found.") or render(
        request, "404.html", status=404
    )


def bad_request(request: HttpRequest, exception: Exception | None = None):
    return _api_error(request, 400, "bad_request", "Bad request.") or render(
        request, "400.html", status=400
    )


def server_error(request: HttpRequest):
    # Elsewhere Django's own: 500.html without context processors, which may be what failed.
    return _api_error(request, 500, "error", "A server error occurred.") or defaults.server_error(
        request
    )
