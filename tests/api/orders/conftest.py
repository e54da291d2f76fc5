import pytest

from tests.accounts.factories import VALID_ADDRESS, AddressFactory
from tests.orders.factories import shipping_method


@pytest.fixture
def method():
    return shipping_method(price="12.00", free_above="199.00")


@pytest.fixture
def address(shopper):
    return AddressFactory(user=shopper, **VALID_ADDRESS)
