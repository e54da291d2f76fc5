import pytest
from django.http import Http404

from accounts import selectors
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_address_list_holds_only_the_users_addresses_default_first():
    user = UserFactory()
    older = AddressFactory(user=user, is_default=False)
    default = AddressFactory(user=user, is_default=True)
    AddressFactory()  # someone else's

    assert list(selectors.address_list(user=user)) == [default, older]


def test_address_get_refuses_another_users_address():
    address = AddressFactory()

    with pytest.raises(Http404):
        selectors.address_get(user=UserFactory(), pk=address.pk)
    assert selectors.address_get(user=address.user, pk=address.pk) == address


def test_address_has_default_can_leave_out_the_address_being_edited():
    default = AddressFactory(is_default=True)

    assert selectors.address_has_default(user=default.user)
    assert not selectors.address_has_default(user=default.user, exclude_pk=default.pk)
