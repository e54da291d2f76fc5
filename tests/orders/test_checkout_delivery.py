"""Checkout and delivery: the options shown are those that serve the address, with their price and
arrival date; order_place quotes again on the server, refuses what does not serve the address,
and stores the price, the promised date and the local delivery slot."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import formats, translation

from logistics.models import ShippingRate, Stock, StockMovement
from orders import services
from orders.errors import CheckoutError
from orders.models import Order
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import (
    StockFactory,
    delivery_methods,
    warehouse_guangzhou,
    warehouse_pudong,
)
from tests.orders.factories import fill_cart

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
THU_10AM = datetime(2027, 3, 4, 10, 0, tzinfo=SHANGHAI)
CONTACT = {
    "recipient": "王小明",
    "phone": "13812345678",
    "street": "文三路 90 号",
    "postal_code": "310012",
}
HANGZHOU = services.ShippingAddress(province="浙江省", city="杭州市", district="西湖区", **CONTACT)
PUDONG = services.ShippingAddress(province="上海市", city="上海市", district="浦东新区", **CONTACT)
URUMQI = services.ShippingAddress(
    province="新疆维吾尔自治区", city="乌鲁木齐市", district="天山区", **CONTACT
)


@pytest.fixture
def methods():
    return delivery_methods()


@pytest.fixture
def variant():
    variant = VariantFactory(weight_grams=800, price=Decimal("50.00"))
    StockFactory(variant=variant, warehouse=warehouse_pudong(), quantity=10)
    return variant


def place(variant, address, method, *, slot="", quantity=1):
    return services.order_place(
        user=None,
        session=fill_cart((variant, quantity)),
        email="buyer@example.com",
        address=address,
        shipping_method_id=method.pk,
        delivery_slot=slot,
        checkout_key=uuid.uuid4().hex,
        language="en",
        now=THU_10AM,
    )


# --- order_place ----------------------------------------------------------------------------------


def test_an_order_stores_the_quoted_price_and_promised_date(methods, variant):
    order = place(variant, HANGZHOU, methods["express"], quantity=2)

    assert order.shipping_total == Decimal("14.00")  # 1.6 kg in East China
    assert order.total == Decimal("114.00")
    assert order.promised_date == date(2027, 3, 5)
    assert order.region_code == "330106"  # found from the names
    assert (order.delivery_window_start, order.delivery_window_end) == (None, None)


def test_a_local_delivery_order_stores_the_chosen_slot(methods, variant):
    order = place(variant, PUDONG, methods["local"], slot="2027-03-04T15:00")

    assert order.promised_date == date(2027, 3, 4)
    assert order.delivery_window_start == datetime(2027, 3, 4, 15, tzinfo=SHANGHAI)
    assert order.delivery_window_end == datetime(2027, 3, 4, 18, tzinfo=SHANGHAI)
    assert order.shipping_total == Decimal("15.00")


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ("", "Please choose a delivery slot"),
        ("2027-03-04T09:00", "no longer available"),  # started before the lead time
        ("tomorrow", "no longer available"),
    ],
)
def test_local_delivery_needs_an_open_slot(methods, variant, slot, message):
    with pytest.raises(CheckoutError, match=message):
        place(variant, PUDONG, methods["local"], slot=slot)

    assert not Order.objects.exists()


def test_a_method_that_does_not_serve_the_address_is_refused(methods, variant):
    with pytest.raises(CheckoutError, match="does not deliver to 乌鲁木齐市天山区"):
        place(variant, URUMQI, methods["local"], slot="2027-03-04T15:00")

    ShippingRate.objects.filter(zone__name="Remote").delete()
    with pytest.raises(CheckoutError, match="Express does not deliver"):
        place(variant, URUMQI, methods["express"])
    assert not Order.objects.exists()


def test_an_address_whose_district_is_unknown_is_refused(methods, variant):
    nowhere = services.ShippingAddress(
        province="浙江省", city="杭州市", district="Atlantis", **CONTACT
    )

    with pytest.raises(CheckoutError, match="could not find the district"):
        place(variant, nowhere, methods["express"])


def test_the_stock_is_allocated_from_the_warehouse_the_quote_used(methods, variant):
    place(variant, HANGZHOU, methods["express"])

    movement = StockMovement.objects.get(kind="allocated")
    assert movement.reason.startswith("nearest warehouse with every item")


# --- The checkout page ----------------------------------------------------------------------------


def new_address(address: services.ShippingAddress) -> dict:
    return {f"new-{k}": v for k, v in address.__dict__.items() if k != "region_code"}


def guest_cart(client, variant):
    session = client.session
    fill_cart((variant, 1), session=session)
    session.save()


def test_the_options_follow_the_address_typed(client, methods, variant):
    guest_cart(client, variant)
    url = reverse("orders:checkout_delivery_options")

    pudong = client.get(url, new_address(PUDONG))
    hangzhou = client.get(url, new_address(HANGZHOU))
    partial = client.get(url, {"new-province": "浙江省"})

    local, express = methods["local"], methods["express"]
    assert f'value="{local.pk}"' in pudong.content.decode()
    assert f'value="{express.pk}"' in hangzhou.content.decode()
    assert f'value="{local.pk}"' not in hangzhou.content.decode()
    eta = next(o for o in hangzhou.context["form"].options if o.method == express).eta
    assert f"Arrives {formats.date_format(eta, 'D j M')}" in hangzhou.content.decode()
    assert "¥12.00" in hangzhou.content.decode()
    assert "province, city and district" in partial.content.decode()


def test_the_options_speak_chinese_dates(client, methods, variant):
    guest_cart(client, variant)

    with translation.override("zh-hans"):
        url = reverse("orders:checkout_delivery_options")
    response = client.get(url, new_address(HANGZHOU))

    eta = response.context["form"].options[0].eta
    with translation.override("zh-hans"):
        expected = formats.date_format(eta, "n月j日（D）")  # noqa: RUF001
    assert f"{expected}送达" in response.content.decode()


def test_without_javascript_a_choice_that_does_not_serve_the_new_address_is_explained(
    client, methods, variant
):
    guest_cart(client, variant)

    response = client.post(
        reverse("orders:checkout"),
        {
            "email": "guest@example.com",
            **new_address(HANGZHOU),
            "shipping_method": methods["local"].pk,
            "delivery_slot": "",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "does not deliver to this address" in html
    assert [o.method for o in response.context["form"].options] == [methods["express"]]
    assert "checkout" not in client.session


def test_the_review_and_the_order_show_the_promised_date(
    client, methods, variant, django_capture_on_commit_callbacks
):
    guest_cart(client, variant)
    details = {"email": "guest@example.com", **new_address(HANGZHOU)}
    client.post(reverse("orders:checkout"), {**details, "shipping_method": methods["express"].pk})

    review = client.get(reverse("orders:checkout_review"))
    key = review.context["checkout_key"]
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("orders:place"), {"checkout_key": key})
    page = client.get(placed.url)

    order = Order.objects.get()
    shown = formats.date_format(order.promised_date, "D j M")
    assert order.promised_date == review.context["delivery"].option.eta
    assert f"Arrives {shown}" in review.content.decode()
    assert f"Expected delivery:</strong> {shown}" in page.content.decode()
    assert f"Expected delivery: {shown}" in mail.outbox[0].body


def test_the_refreshed_options_check_the_first_and_show_no_error_before_anything_is_sent(
    client, methods, variant
):
    guest_cart(client, variant)

    response = client.get(reverse("orders:checkout_delivery_options"), new_address(HANGZHOU))

    html = response.content.decode()
    assert f'value="{methods["express"].pk}" checked' in html
    assert "Please choose a delivery option" not in html


def test_a_method_that_stopped_serving_the_address_after_review_sends_back_to_delivery(
    client, methods, variant
):
    guest_cart(client, variant)
    details = {"email": "guest@example.com", **new_address(HANGZHOU)}
    client.post(reverse("orders:checkout"), {**details, "shipping_method": methods["express"].pk})
    key = client.get(reverse("orders:checkout_review")).context["checkout_key"]
    ShippingRate.objects.filter(method=methods["express"]).delete()

    response = client.post(reverse("orders:place"), {"checkout_key": key})

    assert response.url == reverse("orders:checkout")
    assert any("does not deliver to" in str(m) for m in get_messages(response.wsgi_request))
    assert not Order.objects.exists()


@pytest.fixture
def near_unit_taken_before_allocation(monkeypatch):
    """Another order takes the Pudong warehouse's units after the quote, just before this
    order's allocation."""
    real_allocate = services.stock.stock_allocate

    def allocate_after_someone_else(**kwargs):
        Stock.objects.filter(warehouse__code="sh-pudong").update(allocated=F("quantity"))
        return real_allocate(**kwargs)

    monkeypatch.setattr(services.stock, "stock_allocate", allocate_after_someone_else)


@pytest.fixture
def also_in_guangzhou(variant):
    StockFactory(variant=variant, warehouse=warehouse_guangzhou(), quantity=5)


@pytest.mark.usefixtures("also_in_guangzhou", "near_unit_taken_before_allocation")
def test_an_order_that_ends_up_shipping_from_farther_away_promises_that_date(methods, variant):
    order = place(variant, HANGZHOU, methods["express"])

    assert order.promised_date == date(2027, 3, 6)  # from Guangzhou: two days, not one
    assert order.shipping_total == Decimal("12.00")
    order.refresh_from_db()
    assert order.promised_date == date(2027, 3, 6)


@pytest.mark.usefixtures("also_in_guangzhou", "near_unit_taken_before_allocation")
def test_local_delivery_is_refused_when_the_nearby_units_went_before_allocation(methods, variant):
    with pytest.raises(CheckoutError, match="can no longer deliver"):
        place(variant, PUDONG, methods["local"], slot="2027-03-04T15:00")

    assert not Order.objects.exists()
    assert not Stock.objects.filter(warehouse__code="gz-baiyun", allocated__gt=0).exists()
