"""The session store (settings.SESSION_ENGINE): Django's cached_db sessions, read with the
request's first read of the cache (common.read_ahead), together with the catalog version, the
page asked for and, for a shopper this process has seen signed in, their user and what is read
with it (accounts.backends.read_with_the_user). A signed-in shopper's page from the cache is then
one round trip to Redis for all of these, not three.

Which user a session is signed in as is only known once the session is read; until then the
process's memory of it (`signed_in_as`, the user id each session key was last read with here)
is a guess, used only to choose what to read ahead. The session read decides who the shopper
is; a wrong guess costs keys read for nothing.

Sessions signed in through Django's ModelBackend (before accounts.backends.CachedModelBackend)
are renamed to it as they are loaded, so they stay signed in and load their user through the
cache too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.http import HttpRequest

from common import cache_generations, read_ahead

from .backends import BACKEND, FORMER_BACKEND, keys_read_with_the_user

# Session keys this process has read, and the user id each was signed in as (None: not signed
# in), most recent last; the oldest are forgotten beyond MEMORY.
MEMORY = 20_000
_seen: OrderedDict[str, str | None] = OrderedDict()
_seen_lock = threading.Lock()
_UNKNOWN = object()


def _remember(session_key: str, user_id: str | None) -> None:
    with _seen_lock:
        _seen[session_key] = user_id
        _seen.move_to_end(session_key)
        while len(_seen) > MEMORY:
            _seen.popitem(last=False)


def _cookie_session_key(request: HttpRequest) -> str | None:
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    # As a session key is made: letters and digits (anything else is no session of ours).
    if key and 8 <= len(key) <= 64 and key.isascii() and key.isalnum():
        return key
    return None


def signed_in_as(request: HttpRequest) -> tuple[bool, str | None]:
    """A guess, from this process's memory of the request's session key, at who sends it:
    (known, user id or None for a session not signed in). Not known: no session cookie, or one
    this process has not read. Never to decide anything but what to read ahead."""
    key = _cookie_session_key(request)
    if key is None:
        return False, None
    found = _seen.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        return False, None
    return True, found


def _keys_ahead(request: HttpRequest) -> list[str]:
    """The session the request's cookie names and, if this process saw it signed in, the user
    and what is read with it (common.read_ahead.read_first)."""
    key = _cookie_session_key(request)
    if key is None or __name__ != settings.SESSION_ENGINE:  # sessions kept some other way
        return []
    keys = [SessionStore.cache_key_prefix + key]
    known, user_id = signed_in_as(request)
    if known and user_id is not None and settings.SIGNED_IN_CACHE_SECONDS > 0:
        keys.extend(cache_generations.keys_to_read(keys_read_with_the_user(user_id)))
    return keys


read_ahead.read_first(for_request=_keys_ahead)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            # With the request's first read of the cache (and taken: a later load reads again).
            data = read_ahead.get_many([self.cache_key], take=True).get(self.cache_key)
        except Exception:
            # As Django's: a cache that refuses the key (or is down) resets to the database.
            data = None
        if data is None:  # as Django's cached_db: from the database, then kept in the cache
            row = self._get_session_from_db()
            if row:
                data = self.decode(row.session_data)
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
            else:
                data = {}
        if data.get(BACKEND_SESSION_KEY) == FORMER_BACKEND:
            data[BACKEND_SESSION_KEY] = BACKEND
            self.modified = True
        if self.session_key:
            user_id = data.get(SESSION_KEY)
            _remember(self.session_key, str(user_id) if user_id is not None else None)
        return data
