"""Accounts: registration and the address book (exactly one default address per user)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from . import selectors
from .locks import lock_user
from .models import Address, User


def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    return User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )


def user_profile_update(*, user: User, first_name: str, last_name: str, phone: str) -> User:
    """Save the fields a shopper edits on their profile page; phone is already normalised."""
    user.first_name = first_name
    user.last_name = last_name
    user.phone = phone
    user.save(update_fields=["first_name", "last_name", "phone"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language a staff member chose for admin (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def address_save(*, user: User, address: Address) -> Address:
    """Create or update one of the user's addresses. The first address, or one marked default,
    becomes the only default."""
    lock_user(user.pk)  # serialise a user's address edits
    address.user = user
    if not selectors.address_has_default(user=user, exclude_pk=address.pk):
        address.is_default = True
    if address.is_default:
        _clear_default(user=user, keep=address)
    address.save()
    return address


@transaction.atomic
def address_make_default(*, user: User, address: Address) -> Address:
    lock_user(user.pk)
    _clear_default(user=user, keep=address)
    address.is_default = True
    address.save(update_fields=["is_default", "updated_at"])
    return address


@transaction.atomic
def address_delete(*, user: User, address: Address) -> None:
    """Delete an address; if it was the default, the newest remaining one becomes default."""
    lock_user(user.pk)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = selectors.address_newest(user=user)
        if successor:
            successor.is_default = True
            successor.save(update_fields=["is_default", "updated_at"])


def _clear_default(*, user: User, keep: Address) -> None:
    """Unmark the user's default address unless it is `keep` (the caller holds the user's lock)."""
    Address.objects.filter(user=user, is_default=True).exclude(pk=keep.pk).update(is_default=False)
