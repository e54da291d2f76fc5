"""The API's language: the client's Accept-Language (or the language cookie a browser sent).

The storefront keeps English at unprefixed URLs and Chinese under /zh-hans/, so LocaleMiddleware
answers every unprefixed path in English. The API has one path per resource whatever the
language; an app says which it wants in Accept-Language, as HTTP intends."""

from __future__ import annotations

from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    """After LocaleMiddleware: for /api/ paths, the language the client asks for, and a
    response that varies on it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
