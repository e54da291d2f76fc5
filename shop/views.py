"""Project-wide views: health, and the error pages in the shop's style."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

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


@never_cache
@require_safe
def language_choose(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """The language switcher's links: remember `code` in the language cookie (it then wins over
    the browser's language, shop/languages.py) and show the page the shopper was on (`next`, a
    URL of this site only) in that language. A plain link rather than a form, so the storefront
    pages carry no CSRF token and stay cacheable; changing a display preference is harmless."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    # translate_url reads the URL in the language it is in (its prefix), then writes it in `code`.
    with translation.override(
        translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
    ):
        target = translate_url(next_url, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None):
    return render(request, "400.html", status=400)
