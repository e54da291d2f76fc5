"""A user's row is the lock that serialises edits of their address book."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from accounts import services
from accounts.locks import lock_user
from accounts.models import Address
from tests.accounts.factories import UserFactory
from tests.accounts.test_services import new_address

TIMEOUT = 30


@pytest.mark.django_db
def test_lock_user_returns_the_user_or_none():
    user = UserFactory()

    with transaction.atomic():
        assert lock_user(user.pk) == user
        assert lock_user(user.pk + 1000) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_address_edit_waits_while_another_transaction_holds_the_user():
    user = UserFactory()
    locked, release, saved = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                lock_user(user.pk)
                locked.set()
                release.wait(TIMEOUT)
        finally:
            connection.close()

    def save() -> None:
        try:
            services.address_save(user=user, address=new_address(is_default=False))
            saved.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert locked.wait(TIMEOUT)
    saver = threading.Thread(target=save, daemon=True)
    saver.start()

    assert not saved.wait(1.0)  # blocked on the user's row
    release.set()
    assert saved.wait(TIMEOUT)
    holder.join(TIMEOUT)
    saver.join(TIMEOUT)
    assert Address.objects.filter(user=user, is_default=True).count() == 1
