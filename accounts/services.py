"""Accounts: registration and the address book (exactly one default address per user)."""

from __future__ import annotations

from django.db import transaction

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


@transaction.atomic
def address_save(*, user: User, address: Address) -> Address:
    """Create or update one of the user's addresses. The first address, or one marked default,
    becomes the only default."""
    list(User.objects.select_for_update().filter(pk=user.pk))  # serialise a user's address edits
    address.user = user
    others = Address.objects.filter(user=user).exclude(pk=address.pk)
    if not others.filter(is_default=True).exists():
        address.is_default = True
    if address.is_default:
        others.filter(is_default=True).update(is_default=False)
    address.save()
    return address


@transaction.atomic
def address_make_default(*, user: User, address: Address) -> Address:
    list(User.objects.select_for_update().filter(pk=user.pk))
    Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )
    address.is_default = True
    address.save(update_fields=["is_default", "updated_at"])
    return address


@transaction.atomic
def address_delete(*, user: User, address: Address) -> None:
    """Delete an address; if it was the default, the newest remaining one becomes default."""
    list(User.objects.select_for_update().filter(pk=user.pk))
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("-created_at", "-id").first()
        if successor:
            successor.is_default = True
            successor.save(update_fields=["is_default", "updated_at"])
