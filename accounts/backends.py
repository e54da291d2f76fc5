"""The signed-in user, loaded from the cache: Django loads the user a session names on every
request, and a page served from the storefront cache needs nothing else from the database.

`CachedModelBackend` is Django's ModelBackend (sign-in, permissions) whose `get_user` keeps the
user row in the cache for SIGNED_IN_CACHE_SECONDS (common.cache_generations; short: a change the
model's signals do not see, a raw SQL update, is seen within minutes). Every save or delete of a
user, a password change and the deactivation of an account among them, moves the entry's
generation on (`user_changed`, connected in apps.py), so a stale user is never served: the
session's password hash and `is_active` are checked against the row as it is now.

Sessions signed in before the backend was named keep Django's ModelBackend path; the session
store (accounts.sessions) renames it, so they stay signed in and load through the cache too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from common import cache_generations

BACKEND = "accounts.backends.CachedModelBackend"
# The path sessions signed in before CachedModelBackend hold.
FORMER_BACKEND = "django.contrib.auth.backends.ModelBackend"


def user_key(user_id: object) -> str:
    return f"auth:user:{user_id}"


# The keys of other entries (common.cache_generations) a signed-in shopper's pages read on every
# request, by user id, e.g. the cart's count: read with the user, in one round trip. Apps above
# add theirs in their ready() (read_with_the_user).
_read_with_user: list[Callable[[object], str]] = []


def read_with_the_user(key: Callable[[object], str]) -> None:
    """`key(user_id)` is read (prefetched) together with the signed-in user."""
    if key not in _read_with_user:
        _read_with_user.append(key)


def keys_read_with_the_user(user_id: object) -> list[str]:
    """The user's entry and the others read with it (read_with_the_user)."""
    return [user_key(user_id), *(key(user_id) for key in _read_with_user)]


def user_changed(user_id: object) -> None:
    """The user row changes in the current transaction: the cached copy is not served again."""
    cache_generations.changed(user_key(user_id))


def users_changed(user_ids: Iterable[object]) -> None:
    """For writes that send no signal (QuerySet.update on users)."""
    for user_id in user_ids:
        user_changed(user_id)


def user_saved(sender, instance, **kwargs) -> None:
    """post_save and post_delete of the user model."""
    user_changed(instance.pk)


def _load_user(user_id: object):
    user_model = get_user_model()
    try:
        return user_model._default_manager.get(pk=user_id)
    except user_model.DoesNotExist:
        return None


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        # user_id as django.contrib.auth.get_user gives it: the session's, made a primary key.
        if settings.SIGNED_IN_CACHE_SECONDS > 0:
            cache_generations.prefetch(keys_read_with_the_user(user_id))
        user = cache_generations.cached(
            user_key(user_id),
            lambda: _load_user(user_id),
            timeout=settings.SIGNED_IN_CACHE_SECONDS,
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
