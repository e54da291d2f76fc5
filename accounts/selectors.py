"""Reads of accounts: a user's address book."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Address, User


def address_list(*, user: User) -> QuerySet[Address]:
    """The user's addresses, the default first (Address's ordering)."""
    return Address.objects.filter(user=user)


def address_get(*, user: User, pk: int) -> Address:
    """One of the user's addresses; 404 for anyone else's, so their existence is not revealed."""
    return get_object_or_404(Address, pk=pk, user=user)


def address_has_default(*, user: User, exclude_pk: int | None = None) -> bool:
    """Whether the user has a default address (other than the one `exclude_pk` names)."""
    return address_list(user=user).exclude(pk=exclude_pk).filter(is_default=True).exists()


def address_newest(*, user: User) -> Address | None:
    return address_list(user=user).order_by("-created_at", "-id").first()
