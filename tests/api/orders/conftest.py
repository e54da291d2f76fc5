import pytest

from tests.accounts.factories import VALID_ADDRESS, AddressFactory
from tests.orders.factories import shipping_method


@pytest.fixture
def method():
    return shipping_method(price="12.00", free_above="199.00")


@pytest.fixture
def address(shopper):
    return AddressFactory(user=shopper, **VALID_ADDRESS)


# Alipay's development keys and a cashier browser, as payments' tests use them.
from tests.payments.conftest import alipay_keys, browser  # noqa: E402, F401


@pytest.fixture
def alipay(settings, alipay_keys, tmp_path, live_server):  # noqa: F811
    """The sandbox on the live server as the shop's gateway (as payments' sandbox_settings),
    its notifications sent to the live server's notify endpoint."""
    settings.ALIPAY_KEYS_DIR = alipay_keys
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"
    settings.ALIPAY_GATEWAY = live_server.url + "/alipay-sandbox/gateway.do"
    settings.ALIPAY_APP_PRIVATE_KEY = settings.ALIPAY_PUBLIC_KEY = ""
    settings.ALIPAY_APP_PRIVATE_KEY_FILE = settings.ALIPAY_PUBLIC_KEY_FILE = ""
    settings.SHOP_BASE_URL = live_server.url
    return settings
