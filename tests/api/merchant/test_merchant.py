"""The merchant API: a merchant's staff see and change only their merchant's products, stock,
orders to ship and shipments, through the admin's services. A shopper or a staff member without
a merchant: 403; another merchant's object: 404."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product, ProductVariant
from logistics.models import Shipment, ShipmentStatus, Stock, StockMovement
from orders.models import Order, OrderEventType, OrderStatus
from tests.accounts.factories import StaffFactory, UserFactory
from tests.api.conftest import bearer
from tests.orders.factories import carrier, paid_order, place_order, variant_in_warehouses

pytestmark = pytest.mark.django_db

M = "/api/v1/merchant/"


@pytest.fixture
def product_a(make_product, merchant_a):
    return make_product(merchant=merchant_a, prices=(Decimal("30.00"), Decimal("40.00")))


@pytest.fixture
def product_b(make_product, merchant_b):
    return make_product(merchant=merchant_b)


@pytest.fixture
def order_ab(shopper, merchant_a, merchant_b):
    """A paid order with one line of each merchant."""
    return paid_order(
        (variant_in_warehouses(merchant=merchant_a, north=5), 2),
        (variant_in_warehouses(merchant=merchant_b, south=5), 1),
        user=shopper,
    )


# --- who may -------------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "products/"),
    ("get", "stock/"),
    ("get", "orders/"),
    ("get", "products/1/"),
    ("patch", "products/1/"),
    ("patch", "variants/1/price/"),
    ("post", "stock/1/adjust/"),
    ("post", "orders/X/shipments/"),
    ("post", "shipments/X/ship/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_shopper_is_refused_403(shopper, method, path):
    response = getattr(bearer(shopper), method)(M + path, {}, format="json")

    assert response.status_code == 403
    assert response.data["type"] == "client_error"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_staff_without_a_merchant_is_refused_403(method, path):
    loose = StaffFactory(merchant=None)

    assert getattr(bearer(loose), method)(M + path, {}, format="json").status_code == 403


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_signed_out_is_401(anon, method, path):
    assert getattr(anon, method)(M + path, {}, format="json").status_code == 401


# --- products ------------------------------------------------------------------------------------


def test_products_lists_only_your_merchants(staff_a, product_a, product_b):
    response = bearer(staff_a).get(M + "products/")

    assert response.status_code == 200
    assert [p["id"] for p in response.data["results"]] == [product_a.pk]
    assert sorted(v["price"] for v in response.data["results"][0]["variants"]) == [
        "30.00",
        "40.00",
    ]


def test_products_take_the_same_queries_whatever_the_page_size(staff_a, make_product, merchant_a):
    for _ in range(3):
        make_product(merchant=merchant_a, prices=(Decimal("10.00"), Decimal("12.00")))
    client = bearer(staff_a)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(M + "products/?page_size=2").data["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(M + "products/?page_size=20").data["results"]) == 3
    assert len(small) == len(large)


def test_product_detail_is_yours_or_a_404(staff_a, staff_b, product_a):
    assert bearer(staff_a).get(f"{M}products/{product_a.pk}/").data["price"] == "30.00"
    assert bearer(staff_b).get(f"{M}products/{product_a.pk}/").status_code == 404


def test_hiding_a_product_goes_through_the_catalog_service(staff_a, product_a):
    response = bearer(staff_a).patch(
        f"{M}products/{product_a.pk}/", {"is_active": False}, format="json"
    )

    assert response.status_code == 200
    assert response.data["is_active"] is False
    assert Product.objects.get(pk=product_a.pk).is_active is False


def test_another_merchants_product_cannot_be_hidden(staff_b, product_a):
    response = bearer(staff_b).patch(
        f"{M}products/{product_a.pk}/", {"is_active": False}, format="json"
    )

    assert response.status_code == 404
    assert Product.objects.get(pk=product_a.pk).is_active is True


def test_publish_needs_a_boolean(staff_a, product_a):
    response = bearer(staff_a).patch(f"{M}products/{product_a.pk}/", {}, format="json")

    assert response.status_code == 400
    assert response.data["errors"][0]["attr"] == "is_active"


def test_a_variant_price_change_moves_the_products_from_price(staff_a, product_a):
    cheapest = product_a.variants.order_by("price").first()

    response = bearer(staff_a).patch(
        f"{M}variants/{cheapest.pk}/price/", {"price": "25.50"}, format="json"
    )

    assert response.status_code == 200
    assert response.data["price"] == "25.50"
    assert Product.objects.get(pk=product_a.pk).price == Decimal("25.50")


@pytest.mark.parametrize("price", ["-1", "abc", "", "1.234"])
def test_a_bad_price_is_a_400(staff_a, product_a, price):
    variant = product_a.variants.first()

    response = bearer(staff_a).patch(f"{M}variants/{variant.pk}/price/", {"price": price}, "json")

    assert response.status_code == 400
    assert response.data["errors"][0]["attr"] == "price"


def test_another_merchants_variant_price_is_a_404(staff_b, product_a):
    variant = product_a.variants.first()
    before = variant.price

    response = bearer(staff_b).patch(f"{M}variants/{variant.pk}/price/", {"price": "1.00"}, "json")

    assert response.status_code == 404
    assert ProductVariant.objects.get(pk=variant.pk).price == before


# --- stock ---------------------------------------------------------------------------------------


def test_stock_lists_only_your_merchants_rows(staff_a, product_a, product_b):
    response = bearer(staff_a).get(M + "stock/")

    mine = set(Stock.objects.filter(variant__product=product_a).values_list("pk", flat=True))
    assert {row["id"] for row in response.data["results"]} == mine
    assert response.data["results"][0]["available"] == 10


def test_stock_takes_the_same_queries_whatever_the_page_size(staff_a, make_product, merchant_a):
    make_product(merchant=merchant_a, prices=(Decimal("1.00"), Decimal("2.00"), Decimal("3.00")))
    client = bearer(staff_a)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(M + "stock/?page_size=2").data["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(M + "stock/?page_size=20").data["results"]) == 3
    assert len(small) == len(large)


def test_adjusting_stock_records_its_movement(staff_a, product_a):
    row = Stock.objects.filter(variant__product=product_a).first()

    response = bearer(staff_a).post(
        f"{M}stock/{row.pk}/adjust/", {"quantity": 4, "reason": "Counted"}, format="json"
    )

    assert response.status_code == 200
    assert response.data["quantity"] == 4
    movement = StockMovement.objects.filter(stock=row).latest("pk")
    assert movement.quantity_delta == -6
    assert movement.actor == staff_a


@pytest.mark.parametrize("quantity", [-1, "x", None])
def test_a_negative_or_bad_count_is_a_400(staff_a, product_a, quantity):
    row = Stock.objects.filter(variant__product=product_a).first()

    response = bearer(staff_a).post(
        f"{M}stock/{row.pk}/adjust/", {"quantity": quantity, "reason": "Oops"}, format="json"
    )

    assert response.status_code == 400
    assert Stock.objects.get(pk=row.pk).quantity == 10


def test_a_count_below_what_orders_hold_is_a_409(staff_a, order_ab):
    row = Stock.objects.get(variant__product__merchant=staff_a.merchant, allocated__gt=0)

    response = bearer(staff_a).post(
        f"{M}stock/{row.pk}/adjust/", {"quantity": 1, "reason": "Count"}, format="json"
    )

    assert response.status_code == 409
    assert Stock.objects.get(pk=row.pk).quantity == 5


def test_another_merchants_stock_is_a_404(staff_b, product_a):
    row = Stock.objects.filter(variant__product=product_a).first()

    response = bearer(staff_b).post(
        f"{M}stock/{row.pk}/adjust/", {"quantity": 0, "reason": "Mine now"}, format="json"
    )

    assert response.status_code == 404
    assert Stock.objects.get(pk=row.pk).quantity == 10


# --- orders to ship and shipments ----------------------------------------------------------------


def test_orders_to_ship_are_paid_ones_with_your_lines_only(staff_a, shopper, order_ab, merchant_b):
    place_order((variant_in_warehouses(merchant=staff_a.merchant, east=5), 1), user=shopper)
    paid_order((variant_in_warehouses(merchant=merchant_b, west=5), 1), user=shopper)

    response = bearer(staff_a).get(M + "orders/")

    assert [o["number"] for o in response.data["results"]] == [order_ab.number]
    [line] = response.data["results"][0]["lines"]
    assert line["quantity"] == 2
    assert line["quantity_shipped"] == 0


def test_orders_to_ship_take_the_same_queries_whatever_the_page_size(staff_a, shopper):
    for _ in range(3):
        paid_order((variant_in_warehouses(merchant=staff_a.merchant, north=5), 1), user=shopper)
    client = bearer(staff_a)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(M + "orders/?page_size=2").data["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(M + "orders/?page_size=20").data["results"]) == 3
    assert len(small) == len(large)


def ship(client, order):
    created = client.post(f"{M}orders/{order.number}/shipments/")
    assert created.status_code == 201, created.data
    [shipment] = created.data
    return shipment["number"]


def test_create_then_ship_your_lines_of_an_order(staff_a, order_ab):
    client = bearer(staff_a)
    carrier()

    number = ship(client, order_ab)
    assert Shipment.objects.get(number=number).merchant == staff_a.merchant
    response = client.post(
        f"{M}shipments/{number}/ship/",
        {"carrier": "sf", "tracking_number": "SF1234567890"},
        format="json",
    )

    assert response.status_code == 200
    assert response.data["status"] == "shipped"
    assert response.data["tracking_number"] == "SF1234567890"
    order = Order.objects.get(pk=order_ab.pk)
    assert order.status == OrderStatus.PARTIALLY_SHIPPED  # merchant b's line is still here
    assert order.events.filter(type=OrderEventType.SHIPPED).exists()
    # Shipped: gone from the list of orders to ship for merchant a, still there for b.
    assert client.get(M + "orders/").data["results"] == []


def test_creating_shipments_twice_is_a_409(staff_a, order_ab):
    client = bearer(staff_a)
    ship(client, order_ab)

    response = client.post(f"{M}orders/{order_ab.number}/shipments/")

    assert response.status_code == 409


def test_an_order_without_your_lines_is_a_404(staff_a, shopper, merchant_b):
    theirs = paid_order((variant_in_warehouses(merchant=merchant_b, west=5), 1), user=shopper)

    response = bearer(staff_a).post(f"{M}orders/{theirs.number}/shipments/")

    assert response.status_code == 404
    assert not Shipment.objects.exists()


def test_another_merchants_shipment_is_a_404(staff_a, staff_b, order_ab):
    number = ship(bearer(staff_a), order_ab)
    carrier()

    response = bearer(staff_b).post(
        f"{M}shipments/{number}/ship/", {"carrier": "sf", "tracking_number": "SF1"}, format="json"
    )

    assert response.status_code == 404
    assert Shipment.objects.get(number=number).status == ShipmentStatus.PACKING


def test_a_carrier_that_needs_a_tracking_number_gets_one(staff_a, order_ab):
    client = bearer(staff_a)
    number = ship(client, order_ab)
    carrier()

    missing = client.post(f"{M}shipments/{number}/ship/", {"carrier": "sf"}, format="json")
    unknown = client.post(f"{M}shipments/{number}/ship/", {"carrier": "nope"}, format="json")

    assert missing.status_code == 400
    assert missing.data["errors"][0]["attr"] == "tracking_number"
    assert unknown.status_code == 400
    assert unknown.data["errors"][0]["attr"] == "carrier"
    assert Shipment.objects.get(number=number).status == ShipmentStatus.PACKING


def test_shipping_twice_is_a_409(staff_a, order_ab):
    client = bearer(staff_a)
    number = ship(client, order_ab)
    carrier()
    body = {"carrier": "sf", "tracking_number": "SF1234567890"}
    assert client.post(f"{M}shipments/{number}/ship/", body, format="json").status_code == 200

    again = client.post(f"{M}shipments/{number}/ship/", body, format="json")

    assert again.status_code == 409


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "products/{big}/"),
        ("patch", "variants/{big}/price/"),
        ("post", "stock/{big}/adjust/"),
        ("post", "orders/{long}/shipments/"),
        ("post", "shipments/{long}/ship/"),
    ],
)
def test_out_of_range_ids_are_a_404_never_a_500(staff_a, method, path):
    url = M + path.format(big="9" * 30, long="Z" * 300)

    response = getattr(bearer(staff_a), method)(url, {"price": "1.00"}, format="json")

    assert response.status_code == 404


def test_an_operator_uses_the_admin_not_the_merchant_api():
    operator = UserFactory(is_staff=True, is_superuser=True)

    assert bearer(operator).get(M + "products/").status_code == 403


def test_shipments_for_an_unpaid_order_are_a_409(staff_a, shopper):
    variant = variant_in_warehouses(merchant=staff_a.merchant, east=5)
    unpaid = place_order((variant, 1), user=shopper)

    response = bearer(staff_a).post(f"{M}orders/{unpaid.number}/shipments/")

    assert response.status_code == 409
    assert response.data["type"] == "client_error"
    assert not Shipment.objects.exists()
