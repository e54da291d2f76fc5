"""Every order records where it was placed: the storefront's checkout says web, the API the
client's X-Client-Channel (app by default); the order admin filters by it and its index splits
the last days' orders by channel, for a merchant's staff only their own."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Order, OrderChannel
from tests.accounts.factories import StaffFactory, UserFactory
from tests.api.conftest import bearer
from tests.orders.factories import fill_cart, paid_order, place_order, variant_in_stock

pytestmark = pytest.mark.django_db


def test_the_storefront_checkout_records_web(shopper, address, method):
    fill_cart((variant_in_stock(), 1), user=shopper)
    client = Client()
    client.force_login(shopper)
    client.post(reverse("orders:checkout"), {"address": address.pk, "shipping_method": method.pk})
    review = client.get(reverse("orders:checkout_review"))
    client.post(reverse("orders:place"), {"checkout_key": review.context["checkout_key"]})
    assert Order.objects.get(user=shopper).channel == OrderChannel.WEB


def test_the_api_records_app_when_the_client_says_nothing(shopper, address, method):
    fill_cart((variant_in_stock(), 1), user=shopper)
    bearer(shopper).post(
        "/api/v1/orders/", {"address": address.pk, "shipping_method": method.pk}, format="json"
    )
    assert Order.objects.get(user=shopper).channel == OrderChannel.APP


def set_channel(order: Order, channel: str) -> Order:
    # A given: orders placed earlier through other channels.
    Order.objects.filter(pk=order.pk).update(channel=channel)
    return order


def operator() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_order_admin_filters_by_channel():
    web = place_order((variant_in_stock(), 1))
    app = set_channel(place_order((variant_in_stock(), 1)), OrderChannel.APP)
    html = (
        operator()
        .get(reverse("admin:orders_order_changelist") + "?channel__exact=app")
        .content.decode()
    )
    assert app.number in html
    assert web.number not in html


def channel_block(client: Client) -> str:
    html = client.get(reverse("admin:index")).content.decode()
    block = html[html.index('id="orders-by-channel"') :]
    return block[: block.index("</div>")]


def row_of(block: str, label: str) -> list[str]:
    import re

    row = block[block.index(f">{label}</a>") :]
    row = row[: row.index("</tr>")]
    return re.findall(r'<td class="number">([^<]*)</td>', row)


def test_the_admin_index_splits_the_orders_by_channel():
    paid_order((variant_in_stock(price="100.00"), 1))
    set_channel(paid_order((variant_in_stock(price="30.00"), 2)), OrderChannel.APP)
    set_channel(place_order((variant_in_stock(), 1)), OrderChannel.APP)  # unpaid
    block = channel_block(operator())
    assert row_of(block, "Web") == ["1", "1", "¥100.00"]
    assert row_of(block, "App") == ["2", "1", "¥60.00"]
    assert row_of(block, "Partner") == ["0", "0", "¥0.00"]


def test_a_merchants_staff_see_only_their_own_orders_by_channel(merchant_a, merchant_b):
    from tests.catalog.factories import VariantFactory
    from tests.logistics.factories import StockFactory, WarehouseFactory

    def variant_of(merchant, price):
        variant = VariantFactory(
            price=Decimal(price), product__price=Decimal(price), product__merchant=merchant
        )
        StockFactory(variant=variant, warehouse=WarehouseFactory(code="main"), quantity=10)
        return variant

    set_channel(paid_order((variant_of(merchant_a, "40.00"), 1)), OrderChannel.APP)
    set_channel(paid_order((variant_of(merchant_b, "70.00"), 1)), OrderChannel.APP)
    client = Client()
    client.force_login(StaffFactory(merchant=merchant_a))
    assert row_of(channel_block(client), "App") == ["1", "1", "¥40.00"]
