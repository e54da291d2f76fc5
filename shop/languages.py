"""The shopper's language: the browser's on a first visit, the shopper's own choice after that.

English is the default language and lives at the unprefixed URLs; Simplified Chinese under
/zh-hans/. LocaleMiddleware always answers an unprefixed URL in English, so a Chinese browser
would never see the Chinese shop unless something sent it there: BrowserLanguageMiddleware
redirects a first visit (no choice recorded) to the /zh-hans/ page when the browser asks for
Chinese, and the language switcher (language_choose) records a choice in the language cookie,
which then wins over the browser both ways.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

SAFE_METHODS = ("GET", "HEAD")


def preferred_language(request: HttpRequest) -> str:
    """The language cookie when it names one of ours, else the browser's Accept-Language
    (zh, zh-CN, zh-SG, zh-Hans, zh-TW... all give zh-hans, the only Chinese we have), else
    the default."""
    return translation.get_language_from_request(request, check_path=False)


def _view_of(path: str, language: str) -> str | None:
    with translation.override(language):
        try:
            return resolve(path).view_name
        except Resolver404:
            return None


_unprefixed: dict[tuple[str, str], bool] = {}


def is_localized_unprefixed(path: str) -> bool:
    """Whether `path` is a page of the language-prefixed URLs, in the default language (no
    prefix). Endpoints outside them (healthz, the payment gateway's notify, media) are not:
    the same path under a prefix is not the same view. Remembered per path and URL
    configuration (resolving it three times cost more than the rest of this middleware)."""
    key = (path, str(get_urlconf() or settings.ROOT_URLCONF))
    found = _unprefixed.get(key)
    if found is None:
        found = _is_localized_unprefixed(path)
        if len(_unprefixed) >= 8192:  # any path can be asked for: keep the memory bounded
            _unprefixed.clear()
        _unprefixed[key] = found
    return found


def _is_localized_unprefixed(path: str) -> bool:
    if translation.get_language_from_path(path) is not None:
        return False
    here = _view_of(path, settings.LANGUAGE_CODE)
    if here is None or here.startswith("admin:"):
        # Admin pages follow the staff member's own choice (AdminLanguageMiddleware).
        return False
    others = (code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    return any(_view_of(f"/{code}{path}", code) == here for code in others)


def _prefixed_url(request: HttpRequest, language: str) -> str:
    script_prefix = get_script_prefix()
    return request.get_full_path().replace(script_prefix, f"{script_prefix}{language}/", 1)


class BrowserLanguageMiddleware:
    """Send a GET of an unprefixed (English) page to the same page under the language prefix
    the shopper prefers, when that is not English. Runs after LocaleMiddleware and before any
    view, so the anonymous page cache (inside the views) never serves the English page to a
    Chinese browser. The unprefixed pages vary on Accept-Language and the language cookie, so
    no shared cache does either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS or not is_localized_unprefixed(request.path_info):
            return self.get_response(request)
        language = preferred_language(request)
        if language != settings.LANGUAGE_CODE:
            response = HttpResponseRedirect(_prefixed_url(request, language))
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
