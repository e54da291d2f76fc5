"""Orders and checkout with the region table: the data migration that gives orders placed before
it their district code, and a saved address whose names the table does not have."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from orders.models import Order
from orders.views import CHECKOUT_SESSION_KEY
from tests.accounts.factories import AddressFactory, UserFactory
from tests.orders.factories import fill_cart, place_order, shipping_method, variant_in_stock

pytestmark = pytest.mark.django_db

fill_region_codes = importlib.import_module(
    "orders.migrations.0009_order_region_code_from_names"
).fill_region_codes


def test_orders_get_the_code_their_names_make_and_the_rest_stay_blank():
    # Given two orders placed without a code, one of them to names the table does not have
    known = place_order((variant_in_stock(), 1))
    unknown = place_order((variant_in_stock(), 1))
    Order.objects.filter(pk=known.pk).update(region_code="")
    Order.objects.filter(pk=unknown.pk).update(region_code="", district="不存在区")

    # When the migration runs
    fill_region_codes(apps, None)

    # Then the first has its district's code, the second stays blank
    known.refresh_from_db()
    unknown.refresh_from_db()
    assert known.region_code == "330106"  # 浙江省杭州市西湖区
    assert unknown.region_code == ""


@pytest.fixture
def signed_in(client):
    shopper = UserFactory()
    client.force_login(shopper)
    fill_cart((variant_in_stock(), 1), user=shopper)
    client.shopper = shopper
    return client


def test_checkout_refuses_a_saved_address_the_table_does_not_have_with_a_message(signed_in):
    # Given a saved address from before the region table, naming Beijing's district in Shenzhen
    address = AddressFactory(
        user=signed_in.shopper, province="广东省", city="深圳市", district="朝阳区", region_code=""
    )
    method = shipping_method()

    # When the shopper checks out to it
    response = signed_in.post(
        reverse("orders:checkout"), {"address": address.pk, "shipping_method": method.pk}
    )

    # Then the page says what is wrong and how to fix it, instead of going on
    html = response.content.decode()
    assert response.status_code == 200
    assert "朝阳区 is not a district of 广东省深圳市." in html
    assert "Please edit it in your address book or enter a new address." in html


def test_checkout_gives_a_saved_address_without_code_the_code_of_its_names(signed_in):
    # Given a saved address from before the region table whose names the table has
    address = AddressFactory(user=signed_in.shopper, region_code="")
    method = shipping_method()

    # When the shopper checks out to it
    response = signed_in.post(
        reverse("orders:checkout"), {"address": address.pk, "shipping_method": method.pk}
    )

    # Then checkout goes on with the district's code (浦东新区)
    assert response.status_code == 302
    state = signed_in.session[CHECKOUT_SESSION_KEY]
    assert state["address"]["region_code"] == "310115"
