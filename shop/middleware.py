"""Project-wide middleware."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


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
