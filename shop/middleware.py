"""Project-wide middleware."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class NulCharacterMiddleware:
    """A NUL character in the path, the query string or a posted form field is never anything a
    shopper typed, and PostgreSQL refuses it in any text it is asked to compare or store: such a
    request gets the 400 page before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            _has_nul([key, *values]) for key, values in request.GET.lists()
        ):
            return self._refused(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and any(_has_nul([key, *values]) for key, values in request.POST.lists())
        ):
            return self._refused(request)
        return None

    def _refused(self, request: HttpRequest) -> HttpResponse:
        from .views import bad_request

        return bad_request(request)


class NumberTooLargeMiddleware:
    """A number too large for the database (99999... typed into a form or a URL) that reached a
    query unchecked is bad input: the shopper gets the 400 page, not a server error. Views and
    forms still check ranges where they can; this is the backstop for what they cannot see, such
    as Django's own admin forms on SQLite."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError):
            return None
        logger.warning("Number too large in %s %s: %s", request.method, request.path, exception)
        from .views import bad_request

        return bad_request(request, exception)
