"""Shipments in admin: a merchant's staff create shipments from the order page, see and handle
only their merchant's shipments (mark shipped with carrier and tracking number, change
warehouse, cancel), print a packing slip; refusals are messages or form errors, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from logistics.models import Shipment, ShipmentStatus, Stock
from orders import fulfilment
from orders.models import OrderStatus as S
from tests.accounts.factories import MerchantFactory, StaffFactory, UserFactory
from tests.logistics.factories import WarehouseFactory
from tests.orders.factories import carrier, paid_order, variant_in_warehouses

pytestmark = pytest.mark.django_db


@pytest.fixture
def alpha():
    return MerchantFactory(name="Alpha")


@pytest.fixture
def bravo():
    return MerchantFactory(name="Bravo")


@pytest.fixture
def staff_a(alpha):
    return StaffFactory(merchant=alpha, email="staff@alpha.example")


@pytest.fixture
def staff_b(bravo):
    return StaffFactory(merchant=bravo, email="staff@bravo.example")


@pytest.fixture
def order(alpha, bravo):
    """Paid: 2 of Alpha's ALPHA-1 (from north) and 1 of Bravo's BRAVO-1 (from south)."""
    alpha_1 = variant_in_warehouses(merchant=alpha, sku="ALPHA-1", north=5, south=1)
    bravo_1 = variant_in_warehouses(merchant=bravo, sku="BRAVO-1", south=5)
    return paid_order((alpha_1, 2), (bravo_1, 1))


@pytest.fixture
def shipment_a(order, staff_a) -> Shipment:
    [shipment] = fulfilment.order_shipments_create(order=order, actor=staff_a)
    return shipment


def url(name: str, shipment: Shipment) -> str:
    return reverse(f"admin:logistics_shipment_{name}", args=[shipment.pk])


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_the_order_page_offers_create_shipments_and_it_packs_only_the_viewers_lines(
    client, staff_a, order
):
    client.force_login(staff_a)
    change = reverse("admin:orders_order_change", args=[order.pk])
    labels = [op["label"] for op in client.get(change).context["order_operations"]]
    assert "Create shipments" in labels
    create = reverse("admin:orders_order_operation", args=[order.pk, "create-shipments"])

    confirm = client.get(create)
    response = client.post(create)

    assert confirm.status_code == 200 and "ALPHA-1" in confirm.content.decode()
    assert response.status_code == 302
    [shipment] = Shipment.objects.all()
    assert shipment.merchant == staff_a.merchant
    assert [part.order_line.sku for part in shipment.lines.all()] == ["ALPHA-1"]
    page = client.get(change)
    html = page.content.decode()
    assert shipment.number in html
    assert url("slip", shipment) in html
    labels = [op["label"] for op in page.context["order_operations"]]
    assert "Create shipments" not in labels  # everything of Alpha's is packed
    assert "Ship my lines" not in labels  # each shipment is marked shipped on its own page


def test_merchant_staff_see_only_their_merchants_shipments(
    client, order, staff_a, staff_b, shipment_a
):
    [shipment_b] = fulfilment.order_shipments_create(order=order, actor=staff_b)
    client.force_login(staff_b)

    listing = client.get(reverse("admin:logistics_shipment_changelist"))
    order_page = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert list(listing.context["cl"].result_list) == [shipment_b]
    assert shipment_a.number not in order_page.content.decode()
    assert shipment_b.number in order_page.content.decode()
    for name in ("change", "slip", "dispatch", "warehouse", "cancel"):
        assert client.get(url(name, shipment_a)).status_code == 404, name


def test_another_merchants_staff_cannot_ship_it_by_a_crafted_post(client, staff_b, shipment_a):
    client.force_login(staff_b)

    response = client.post(
        url("dispatch", shipment_a), {"carrier": carrier().pk, "tracking_number": "SF1"}
    )

    assert response.status_code == 404
    shipment_a.refresh_from_db()
    assert shipment_a.status == ShipmentStatus.PACKING


def test_staff_of_no_merchant_cannot_handle_shipments(client, shipment_a):
    client.force_login(UserFactory(is_staff=True))

    response = client.post(url("cancel", shipment_a))

    assert response.status_code == 403
    shipment_a.refresh_from_db()
    assert shipment_a.status == ShipmentStatus.PACKING


def test_mark_shipped_with_carrier_and_tracking_number(client, staff_a, order, shipment_a):
    client.force_login(staff_a)
    page = client.get(reverse("admin:logistics_shipment_change", args=[shipment_a.pk]))
    assert url("dispatch", shipment_a) in page.content.decode()

    response = client.post(
        url("dispatch", shipment_a), {"carrier": carrier().pk, "tracking_number": "SF100200"}
    )

    assert response.status_code == 302
    shipment_a.refresh_from_db()
    assert (shipment_a.status, shipment_a.tracking_number) == (ShipmentStatus.SHIPPED, "SF100200")
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED
    assert (
        "success",
        f"Shipment {shipment_a.number} shipped with SF Express.",
    ) in messages_of(response)
    page = client.get(reverse("admin:logistics_shipment_change", args=[shipment_a.pk]))
    assert url("dispatch", shipment_a) not in page.content.decode()  # nothing left to ship


def test_a_missing_tracking_number_is_a_form_error(client, staff_a, shipment_a):
    client.force_login(staff_a)

    response = client.post(url("dispatch", shipment_a), {"carrier": carrier().pk})

    assert response.status_code == 200
    assert "SF Express needs the tracking number" in response.content.decode()
    shipment_a.refresh_from_db()
    assert shipment_a.status == ShipmentStatus.PACKING


def test_a_refusal_of_the_service_is_an_error_message(client, staff_a, order, shipment_a):
    fulfilment.order_shipment_dispatch(
        shipment=shipment_a, actor=staff_a, carrier=carrier(), tracking_number="SF1"
    )
    client.force_login(staff_a)

    response = client.post(url("cancel", shipment_a), {"note": "too late"})

    assert response.status_code == 200
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "only a shipment being packed can be cancelled" in text


def test_change_warehouse_moves_the_stock_or_says_why_not(client, staff_a, shipment_a):
    client.force_login(staff_a)
    south = WarehouseFactory(code="south")

    refused = client.post(url("warehouse", shipment_a), {"warehouse": south.pk})

    assert refused.status_code == 200
    [(level, text)] = messages_of(refused)
    assert level == "error" and "has only 1 of ALPHA-1 available, 2 needed" in text
    Stock.objects.filter(warehouse=south, variant__sku="ALPHA-1").update(quantity=4)

    moved = client.post(url("warehouse", shipment_a), {"warehouse": south.pk, "reason": "closer"})

    assert moved.status_code == 302
    shipment_a.refresh_from_db()
    assert shipment_a.warehouse == south
    assert Stock.objects.get(warehouse=south, variant__sku="ALPHA-1").allocated == 2


def test_cancel_a_shipment_being_packed(client, staff_a, shipment_a):
    client.force_login(staff_a)

    response = client.post(url("cancel", shipment_a), {"note": "repack"})

    assert response.status_code == 302
    shipment_a.refresh_from_db()
    assert shipment_a.status == ShipmentStatus.CANCELLED


def test_the_packing_slip_names_the_order_recipient_warehouse_and_items(
    client, staff_a, order, shipment_a
):
    client.force_login(staff_a)

    response = client.get(url("slip", shipment_a))

    html = response.content.decode()
    assert response.status_code == 200
    for text in (shipment_a.number, order.number, order.recipient, order.street, "ALPHA-1"):
        assert text in html
    assert shipment_a.warehouse.name in html
    assert "BRAVO-1" not in html
    assert "css/packing_slip.css" in html
    assert " style=" not in html and "<script>" not in html  # CSP: no inline styles or scripts


def test_the_packing_slip_reads_in_chinese(client, staff_a, shipment_a):
    client.force_login(staff_a)

    with translation.override("zh-hans"):
        response = client.get(url("slip", shipment_a))

    assert "装箱单" in response.content.decode()


@pytest.mark.parametrize("field", ["number", "tracking_number", "order"])
def test_shipments_are_found_by_number_tracking_number_or_order_number(
    client, staff_a, order, shipment_a, field
):
    fulfilment.order_shipment_dispatch(
        shipment=shipment_a, actor=staff_a, carrier=carrier(), tracking_number="SF424242"
    )
    shipment_a.refresh_from_db()
    term = {"number": shipment_a.number, "tracking_number": "SF424242", "order": order.number}
    client.force_login(staff_a)

    response = client.get(reverse("admin:logistics_shipment_changelist"), {"q": term[field]})

    assert list(response.context["cl"].result_list) == [shipment_a]


def test_the_list_filters_by_status_warehouse_and_carrier(client, staff_a, shipment_a):
    carrier(), carrier(code="zto", name="ZTO Express")
    client.force_login(staff_a)

    response = client.get(
        reverse("admin:logistics_shipment_changelist"),
        {"status__exact": "shipped"},
    )

    assert list(response.context["cl"].result_list) == []
    titles = [spec.title for spec in response.context["cl"].filter_specs]
    assert {"status", "warehouse", "carrier"} <= set(titles)


def test_carriers_are_the_operators_to_edit_and_their_webhook_secret_the_operators_to_see(
    client, staff_a
):
    sf = carrier()
    client.force_login(staff_a)
    change = reverse("admin:logistics_carrier_change", args=[sf.pk])

    assert client.get(reverse("admin:logistics_carrier_changelist")).status_code == 200
    staff_page = client.get(change).content.decode()
    refused = client.post(change, {"code": "sf", "name": "Renamed", "is_active": "on"})

    assert sf.webhook_secret not in staff_page
    assert refused.status_code == 403
    sf.refresh_from_db()
    assert sf.name == "SF Express"
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert sf.webhook_secret in client.get(change).content.decode()


def test_the_shipment_list_takes_the_same_queries_for_one_or_many(client, alpha, staff_a):
    def listing_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = reverse("admin:logistics_shipment_changelist")
        client.get(url)  # the signed-in user kept in the cache again, after the changes
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(staff_a)
    variant = variant_in_warehouses(merchant=alpha, north=50, south=50)
    fulfilment.order_shipments_create(order=paid_order((variant, 1)), actor=None)
    one = listing_queries()
    for _ in range(5):
        fulfilment.order_shipments_create(order=paid_order((variant, 1)), actor=None)

    assert listing_queries() == one
