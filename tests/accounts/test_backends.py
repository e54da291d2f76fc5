"""The signed-in user loaded from the cache (accounts/backends.py): no query while the user does
not change, never a stale copy after a change, and everything Django checks still checked."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.backends import BACKEND, FORMER_BACKEND, CachedModelBackend, users_changed
from accounts.models import User
from tests.accounts.factories import StaffFactory, UserFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-blossom-lantern-42"


@pytest.fixture
def user():
    return UserFactory(email="li.wei@example.com", first_name="Li")


def signed_in(user, **kwargs) -> Client:
    client = Client(headers=SAME_ORIGIN)
    client.force_login(user, **kwargs)
    return client


def is_signed_in(client) -> bool:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_the_user_is_loaded_once_then_kept(user, django_assert_num_queries):
    backend = CachedModelBackend()
    assert backend.get_user(user.pk) == user

    with django_assert_num_queries(0):
        kept = backend.get_user(user.pk)

    assert kept == user and kept.email == "li.wei@example.com"


def test_each_request_gets_its_own_copy(user):
    backend = CachedModelBackend()
    backend.get_user(user.pk).first_name = "changed in memory by one request"

    assert backend.get_user(user.pk).first_name == "Li"


def test_a_saved_change_is_seen_at_once(user):
    backend = CachedModelBackend()
    backend.get_user(user.pk)

    user.first_name = "Mei"
    user.save()

    assert backend.get_user(user.pk).first_name == "Mei"


def test_a_copy_read_before_the_commit_is_not_served_after_it(
    user, django_capture_on_commit_callbacks
):
    backend = CachedModelBackend()
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Mei"
        user.save()
        # Another request reads the row as committed so far and keeps what it read.
        User.objects.filter(pk=user.pk).update(first_name="Li")
        assert backend.get_user(user.pk).first_name == "Li"
        User.objects.filter(pk=user.pk).update(first_name="Mei")

    assert backend.get_user(user.pk).first_name == "Mei"


def test_an_update_that_sends_no_signal_is_announced(user):
    backend = CachedModelBackend()
    backend.get_user(user.pk)

    User.objects.filter(pk=user.pk).update(first_name="Mei")
    users_changed([user.pk])

    assert backend.get_user(user.pk).first_name == "Mei"


def test_a_deleted_user_is_no_user(user):
    backend = CachedModelBackend()
    backend.get_user(user.pk)

    user.delete()

    assert backend.get_user(user.pk) is None


def test_a_deactivated_shopper_is_signed_out_on_their_next_request(user):
    client = signed_in(user)
    assert is_signed_in(client)
    assert is_signed_in(client)  # from the kept copy

    user.is_active = False
    user.save()

    assert not is_signed_in(client)


def test_changing_the_password_signs_out_the_other_sessions(user):
    phone = signed_in(user)
    laptop = signed_in(user)
    assert is_signed_in(phone) and is_signed_in(laptop)

    user.set_password(NEW_PASSWORD)
    user.save()

    assert not is_signed_in(laptop)


def test_a_session_signed_in_before_the_cached_backend_stays_signed_in(user):
    client = signed_in(user, backend=FORMER_BACKEND)

    assert is_signed_in(client)
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_signing_in_records_the_cached_backend(client, user):
    client.force_login(user)

    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_staff_permissions_are_checked_on_the_kept_copy(make_product):
    staff = StaffFactory()
    client = signed_in(staff)
    changelist = reverse("admin:catalog_product_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist).status_code == 200  # from the kept copy

    staff.user_permissions.clear()
    staff.groups.clear()  # the user row itself does not change

    assert client.get(changelist).status_code == 403


def test_with_no_time_to_keep_it_the_user_is_read_every_time(
    user, settings, django_assert_num_queries
):
    settings.SIGNED_IN_CACHE_SECONDS = 0
    backend = CachedModelBackend()
    backend.get_user(user.pk)

    with django_assert_num_queries(1):
        assert backend.get_user(user.pk) == user
