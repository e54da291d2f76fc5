"""Admin in the staff member's own language.

English admin lives at /admin/, Chinese at /zh-hans/admin/. The switch in the admin header
(templates/admin/base_site.html) posts here: the choice is stored on the user
(`User.preferred_language`) and in the language cookie. AdminLanguageMiddleware then sends every
admin page asked for without a language prefix to the staff member's language, so a merchant who
chose Chinese once lands in the Chinese admin after signing in, on any browser. Before anyone has
signed in (the login page), the cookie or the browser's language decides, as on the storefront.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from common.origin import language_redirect, local_path

from . import services

SAFE_METHODS = ("GET", "HEAD")


@functools.cache
def _admin_root() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("admin:index")


def is_unprefixed_admin_path(path: str) -> bool:
    """Whether `path` is an admin page without a language prefix (/admin/...)."""
    if not path.startswith(_admin_root()):
        return False  # most requests: the storefront's pages, cheaply
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return "admin" in match.namespaces


def admin_language(request: HttpRequest) -> str:
    """The staff member's stored choice, else the language cookie or the browser's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        chosen = user.preferred_language
        if chosen in dict(settings.LANGUAGES):
            return chosen
    return translation.get_language_from_request(request, check_path=False)


class AdminLanguageMiddleware:
    """Send a GET of an unprefixed admin page to the same page in the staff member's language.
    After AuthenticationMiddleware (it reads the user); the storefront's
    BrowserLanguageMiddleware leaves admin pages to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS or not is_unprefixed_admin_path(request.path_info):
            return self.get_response(request)
        language = admin_language(request)
        if language != settings.LANGUAGE_CODE:
            prefix = get_script_prefix()
            target = request.get_full_path().replace(prefix, f"{prefix}{language}/", 1)
            response = HttpResponseRedirect(target)
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


@require_POST
def language_choose(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """The admin header's switch: remember `code` for the staff member (and in the cookie) and
    show the admin page they were on (`next`) in it."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    user = request.user
    if user.is_authenticated and user.is_staff:
        services.user_language_set(user=user, language=code)
    next_url = local_path(request, request.POST.get("next", ""))
    if next_url is None:
        with translation.override(code):
            next_url = reverse("admin:index")
    return language_redirect(next_url, code)
