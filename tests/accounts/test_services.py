import pytest

from accounts import services
from accounts.models import Address, User
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_address(**fields) -> Address:
    """An unsaved address, as AddressForm.save(commit=False) hands it to the service."""
    defaults = {
        "recipient": "王小明",
        "phone": "13812345678",
        "province": "上海市",
        "city": "上海市",
        "district": "浦东新区",
        "street": "世纪大道 100 号",
        "postal_code": "200120",
    }
    return Address(**{**defaults, **fields})


def defaults_of(user: User) -> list[int]:
    return list(Address.objects.filter(user=user, is_default=True).values_list("pk", flat=True))


def test_user_register_creates_user_with_usable_password():
    # When a shopper registers
    user = services.user_register(
        email="Li.Wei@Example.com", password="plum-blossom-lantern-42", first_name="Li"
    )

    # Then the account exists with a lowercased email and the password checks
    user.refresh_from_db()
    assert user.email == "li.wei@example.com"
    assert user.first_name == "Li"
    assert user.check_password("plum-blossom-lantern-42")


def test_user_profile_update_saves_name_and_phone():
    # Given a user
    user = UserFactory(first_name="Li", last_name="Wei", phone="")

    # When they update their profile
    services.user_profile_update(user=user, first_name="Lei", last_name="Wang", phone="13912345678")

    # Then it is stored
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone) == ("Lei", "Wang", "13912345678")


def test_address_save_makes_first_address_default():
    # Given a user without addresses
    user = UserFactory()

    # When they save an address without asking for it to be default
    address = services.address_save(user=user, address=new_address(is_default=False))

    # Then it is their default
    assert defaults_of(user) == [address.pk]


def test_address_save_keeps_existing_default_for_second_address():
    # Given a user with a default address
    user = UserFactory()
    first = AddressFactory(user=user, is_default=True)

    # When they add another without ticking "default"
    services.address_save(user=user, address=new_address(is_default=False))

    # Then the first is still the only default
    assert defaults_of(user) == [first.pk]


def test_address_save_marked_default_takes_over_default():
    # Given a user with a default address
    user = UserFactory()
    AddressFactory(user=user, is_default=True)

    # When they add another marked default
    second = services.address_save(user=user, address=new_address(is_default=True))

    # Then only the new one is default
    assert defaults_of(user) == [second.pk]


def test_address_save_cannot_unset_the_only_default():
    # Given a user whose only address is the default
    user = UserFactory()
    address = AddressFactory(user=user, is_default=True)

    # When it is saved with is_default unticked
    address.is_default = False
    services.address_save(user=user, address=address)

    # Then it is still the default: a user with addresses always has one
    assert defaults_of(user) == [address.pk]


def test_address_make_default_leaves_exactly_one_default():
    # Given a default address and two others
    user = UserFactory()
    AddressFactory(user=user, is_default=True)
    target = AddressFactory(user=user)
    AddressFactory(user=user)

    # When another is made default
    services.address_make_default(user=user, address=target)

    # Then it is the one and only default
    assert defaults_of(user) == [target.pk]


def test_address_make_default_does_not_touch_other_users():
    # Given two users, each with a default address
    user, other = UserFactory(), UserFactory()
    AddressFactory(user=user, is_default=True)
    others_default = AddressFactory(user=other, is_default=True)
    target = AddressFactory(user=user)

    # When the first user changes their default
    services.address_make_default(user=user, address=target)

    # Then the other user's default is unchanged
    assert defaults_of(other) == [others_default.pk]


def test_address_delete_of_default_promotes_newest_remaining():
    # Given a default address and two older/newer others
    user = UserFactory()
    default = AddressFactory(user=user, is_default=True)
    AddressFactory(user=user)
    newest = AddressFactory(user=user)

    # When the default is deleted
    services.address_delete(user=user, address=default)

    # Then the newest remaining address becomes the only default
    assert not Address.objects.filter(pk=default.pk).exists()
    assert defaults_of(user) == [newest.pk]


def test_address_delete_of_non_default_keeps_default():
    # Given a default and another address
    user = UserFactory()
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    # When the non-default one is deleted
    services.address_delete(user=user, address=other)

    # Then the default is unchanged
    assert defaults_of(user) == [default.pk]


def test_address_delete_of_last_address_leaves_none():
    # Given a single (default) address
    user = UserFactory()
    only = AddressFactory(user=user, is_default=True)

    # When it is deleted
    services.address_delete(user=user, address=only)

    # Then the user has no addresses
    assert not Address.objects.filter(user=user).exists()
