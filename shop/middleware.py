"""Project-wide middleware."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

logger = logging.getLogger(__name__)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def _too_large_to_read(request: HttpRequest) -> bool:
    """A body larger than Django reads into memory is left for the view to refuse as it sees
    fit (the payment notify answers its protocol's "failure" without reading it at all)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is not None and length > limit


class NulCharacterMiddleware:
    """A NUL character is never anything a shopper typed, and PostgreSQL refuses it in any text it
    is asked to compare or store. In the path or a posted form it gets the 400 page before any
    view sees it; in the query string it is taken out, so a search for "shoes\\0" is a search
    for "shoes" like any other."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return self._refused(request)
        if any(_has_nul([key, *values]) for key, values in request.GET.lists()):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
            request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not _too_large_to_read(request)
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
