"""Storefront caching: rendered fragments keyed by a catalog version.

Any change to products, variants, prices, images, stock, reviews or categories bumps the version
(see signals.py and the services), so a cached fragment is never served after the data it shows
has changed: the next request simply misses and renders afresh. Old keys age out by their TTL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from accounts.sessions import signed_in_as
from common import read_ahead
from common.page_holes import Holes, fill

VERSION_KEY = "catalog:version"
T = TypeVar("T")


# The version one request has read (a one-item list while a request runs, empty until read):
# a page reads it from the shared cache once, however many fragments and selectors ask.
_request_version: ContextVar[list[int] | None] = ContextVar("catalog_version", default=None)


read_ahead.read_first(VERSION_KEY)


def catalog_version() -> int:
    memo = _request_version.get()
    if memo:
        return memo[0]
    if memo is not None:  # in a request: with the request's first read (read_ahead.read_first)
        version = read_ahead.get_many([VERSION_KEY]).get(VERSION_KEY)
    else:
        version = cache.get(VERSION_KEY)
    if version is None:
        # Seed from the clock so a restarted local-memory cache never reuses an old version.
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    if memo is not None:
        memo.append(version)
    return version


def bump_catalog_version() -> None:
    memo = _request_version.get()
    if memo:
        memo.clear()  # this request changed the catalog: read the new version next time
    read_ahead.forget([VERSION_KEY])
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start a fresh version
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


class CatalogVersionMiddleware:
    """Reads the catalog version at most once per request, with the request's first read (see
    catalog_version, common.read_ahead.read_first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set([])
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def _digest(parts: Iterable[object]) -> str:
    raw = "|".join(str(p) for p in parts)
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def fragment_key(name: str, parts: Iterable[object]) -> str:
    return f"frag:{name}:{get_language()}:{catalog_version()}:{_digest(parts)}"


def page_key(name: str, parts: Iterable[object]) -> str:
    """Where a whole page is kept: by name, language and parts, but not the catalog version. The
    entry holds the version it was made under, checked when it is read, so the page can be read
    in the version's own round trip (_page_keys_ahead)."""
    return f"page:{name}:{get_language()}:{_digest(parts)}"


def _variant(signed_in: bool) -> str:
    """Which page kept with holes a visitor with a session is served (see anonymous_page_cache)."""
    return "in" if signed_in else "visitor"


def _request_page_key(name: str, variant: str | None, request: HttpRequest, query: str) -> str:
    """Where the page `name` (kept with holes for `variant`, or whole for None) is kept for this
    request's path and canonical query."""
    return page_key(name if variant is None else f"{name}:{variant}", (request.path, query))


def _page_keys_ahead(request: HttpRequest) -> list[str]:
    """The page the request will look for in the cache (anonymous_page_cache), read with the
    catalog version. For a visitor with a session, the page kept with holes of the kind this
    process last saw the session as (accounts.sessions.signed_in_as: a guess, which the session
    read confirms or not)."""
    match = getattr(request, "resolver_match", None)
    kept_as = getattr(match.func, "kept_page", None) if match is not None else None
    if kept_as is None or settings.STOREFRONT_CACHE_SECONDS <= 0:
        return []
    name, params = kept_as
    variant = None
    if not _cacheable_request(request):
        known, user_id = signed_in_as(request)
        if not known:
            return []
        variant = _variant(user_id is not None)
    query = canonical_query(request, params).urlencode()
    return [_request_page_key(name, variant, request, query)]


read_ahead.read_first(for_request=_page_keys_ahead)


def _kept_page(key: str) -> tuple[int, object | None]:
    """The catalog version, and what is kept under `key` for it (None: nothing, or a page made
    under another version); in one round trip with the request's first read."""
    version = catalog_version()
    found = read_ahead.get_many([key], take=True).get(key)
    if found is not None and found[0] == version:
        return version, found[1]
    return version, None


def cached_fragment(name: str, parts: Iterable[object], render: Callable[[], T]) -> T:
    """What `render()` returns (rendered HTML, or a small dict of it), cached under (name, parts,
    language, catalog version). An exception from `render()` (e.g. Http404) is not cached."""
    seconds = settings.STOREFRONT_CACHE_SECONDS
    if seconds <= 0:
        return render()
    key = fragment_key(name, parts)
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, seconds)
    return value


def _cacheable_request(request: HttpRequest) -> bool:
    """Anonymous visitors with no session, no pending messages: the page they get is the same for
    all of them, so it can be served whole from the cache."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def canonical_query(request: HttpRequest, params: Iterable[str]) -> QueryDict:
    """Only the query parameters a page reads, names and values in sorted order: anything else
    (?junk=1, tracking tags, a reordered query) makes no difference to the page."""
    query = QueryDict(mutable=True)
    for name in sorted(set(params)):
        values = sorted(set(request.GET.getlist(name)))
        if values:
            query.setlist(name, values)
    query._mutable = False
    return query


def has_messages(request: HttpRequest) -> bool:
    """Whether a message waits to be shown (added by this request, in its cookie, or in the
    session)."""
    if "messages" in request.COOKIES or getattr(
        getattr(request, "_messages", None), "_queued_messages", None
    ):
        return True
    session = getattr(request, "session", None)
    return session is not None and bool(session.get("_messages"))


def _session_page_variant(request: HttpRequest) -> str | None:
    """For a visitor with a session: which page kept with holes they can be served ("in" signed
    in, "visitor" not), or None (a request that changes something, a message to show)."""
    if request.method not in ("GET", "HEAD") or has_messages(request):
        return None
    if getattr(request, "session", None) is None:
        return None
    user = getattr(request, "user", None)
    return _variant(user is not None and user.is_authenticated)


def anonymous_page_cache(
    name: str,
    *,
    params: Iterable[str] = (),
    replay: Callable[[HttpRequest, dict], None] | None = None,
):
    """Serve whole storefront pages to anonymous, cookie-less visitors from the cache, keyed by
    path, the query parameters the page reads (`params`, in canonical order), language and
    catalog version.

    Visitors with a session (signed in, a cart) get the same page kept with holes
    (common.page_holes), one for signed-in shoppers and one for the others: their cart count,
    CSRF token and recommendation slots are worked out for each request and put in the holes.
    A visitor with a message to show gets a page rendered afresh. On a hit the view does not run:
    `replay(request, notes)` does again what it must do for every request (e.g. record a product
    view), from the notes the view kept (common.page_holes.page_note).

    A page rendered for the cache sees only the canonical query (request.GET and the query string
    its links are built from), so what is stored under a key depends on nothing the key leaves
    out: a visitor cannot make one entry per junk parameter, nor leave a junk value in the
    links another visitor is served."""
    params = tuple(params)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            seconds = settings.STOREFRONT_CACHE_SECONDS
            if seconds <= 0:
                return view(request, *args, **kwargs)
            if _cacheable_request(request):
                variant = None
            else:
                variant = _session_page_variant(request)
                if variant is None:
                    return view(request, *args, **kwargs)
            query = canonical_query(request, params)
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
            key = _request_page_key(name, variant, request, request.META["QUERY_STRING"])
            if variant is not None:
                response = _with_holes(key, request, seconds, replay, view, args, kwargs)
                patch_vary_headers(response, ("Cookie",))
                return response
            version, content = _kept_page(key)
            if content is not None:
                response = HttpResponse(content)
            else:
                response = view(request, *args, **kwargs)
                # A response that sets a cookie (a session, a CSRF token) is someone's own.
                if response.status_code == 200 and not response.cookies:
                    cache.set(key, (version, response.content), seconds)
            patch_vary_headers(response, ("Cookie",))
            return response

        wrapped.kept_page = (name, params)  # for _page_keys_ahead
        return wrapped

    return decorator


def _with_holes(key, request, seconds, replay, view, args, kwargs) -> HttpResponse:
    version, kept = _kept_page(key)
    if kept is not None:
        if replay is not None:
            replay(request, kept["notes"])
        return HttpResponse(fill(request, kept["parts"]))
    request.page_holes = holes = Holes()
    try:
        response = view(request, *args, **kwargs)
    finally:
        del request.page_holes
    if response.streaming:
        return response
    parts = holes.split(response.content.decode(response.charset))
    if response.status_code == 200:
        cache.set(key, (version, {"parts": parts, "notes": holes.notes}), seconds)
    response.content = fill(request, parts)
    return response
