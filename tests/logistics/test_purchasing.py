"""Purchase orders (logistics.services.purchasing): made once per reference, only of the
merchant's own variants; received into stock through stock_receive with a movement; moved only
as transitions.PURCHASE_ORDER_ALLOWED says, each move an event; shown in admin per merchant."""

import datetime as dt
from decimal import Decimal

import pytest

from logistics import selectors, services
from logistics.models import (
    PurchaseOrder,
    PurchaseOrderEventType,
    PurchaseOrderStatus,
    Stock,
    StockMovement,
    StockMovementKind,
)
from tests.accounts.factories import StaffFactory
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2027, 1, 15)


def order_of(merchant, *variants, quantity=10, reference=None, status=PurchaseOrderStatus.DRAFT,
             warehouse=None):  # fmt: skip
    warehouse = warehouse or WarehouseFactory(code="main")
    return services.purchase_order_create(
        merchant=merchant,
        warehouse=warehouse,
        lines=[services.PurchaseLine(v.pk, quantity, Decimal("12.50"), DUE) for v in variants],
        actor=None,
        reference=reference,
        status=status,
    )


def test_an_order_with_the_same_reference_is_made_once(merchant_a):
    variant = VariantFactory(product__merchant=merchant_a)

    first, created = order_of(merchant_a, variant, reference="plan:1")
    second, created_again = order_of(merchant_a, variant, reference="plan:1")

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk and PurchaseOrder.objects.count() == 1
    assert first.total_cost == Decimal("125.00")
    assert first.events.get().type == PurchaseOrderEventType.CREATED


def test_an_order_holds_only_its_merchants_variants(merchant_a, merchant_b):
    theirs = VariantFactory(product__merchant=merchant_b)
    with pytest.raises(services.PurchaseOrderError, match="own variants"):
        order_of(merchant_a, theirs)
    assert not PurchaseOrder.objects.exists()


def test_receiving_puts_the_units_into_stock_through_stock_receive(merchant_a):
    warehouse = WarehouseFactory(code="main")
    stocked = VariantFactory(product__merchant=merchant_a)
    StockFactory(variant=stocked, warehouse=warehouse, quantity=4)
    new = VariantFactory(product__merchant=merchant_a)  # no stock row here yet
    order, _ = order_of(merchant_a, stocked, new, status=PurchaseOrderStatus.ORDERED)
    staff = StaffFactory(merchant=merchant_a)

    services.purchase_order_receive(order=order, actor=staff)

    assert Stock.objects.get(variant=stocked, warehouse=warehouse).quantity == 14
    assert Stock.objects.get(variant=new, warehouse=warehouse).quantity == 10
    movements = StockMovement.objects.filter(reference=f"purchase-order:{order.number}")
    assert sorted(movements.values_list("variant_id", "kind", "quantity_delta", "actor")) == [
        (stocked.pk, StockMovementKind.RECEIVED, 10, staff.pk),
        (new.pk, StockMovementKind.RECEIVED, 10, staff.pk),
    ]
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.RECEIVED
    assert set(order.lines.values_list("received_quantity", flat=True)) == {10}
    assert order.events.last().type == PurchaseOrderEventType.RECEIVED
    assert order.events.last().actor == staff


def test_an_order_is_received_once_and_a_draft_only_once_ordered(merchant_a):
    variant = VariantFactory(product__merchant=merchant_a)
    order, _ = order_of(merchant_a, variant)

    with pytest.raises(services.PurchaseOrderError):
        services.purchase_order_receive(order=order, actor=None)  # still a draft
    services.purchase_order_place(order=order, actor=None)
    services.purchase_order_receive(order=order, actor=None)
    with pytest.raises(services.PurchaseOrderError):
        services.purchase_order_receive(order=order, actor=None)
    with pytest.raises(services.PurchaseOrderError):
        services.purchase_order_cancel(order=order, actor=None)

    assert Stock.objects.get(variant=variant).quantity == 10


def test_expected_receipts_are_the_open_orders_lines(merchant_a):
    warehouse = WarehouseFactory(code="main")
    variant = VariantFactory(product__merchant=merchant_a)
    open_order, _ = order_of(merchant_a, variant, quantity=7, status=PurchaseOrderStatus.ORDERED)
    draft, _ = order_of(merchant_a, variant, quantity=3)
    cancelled, _ = order_of(merchant_a, variant, quantity=100)
    services.purchase_order_cancel(order=cancelled, actor=None)
    received, _ = order_of(merchant_a, variant, quantity=50, status=PurchaseOrderStatus.ORDERED)
    services.purchase_order_receive(order=received, actor=None)

    assert selectors.on_order_by_variant(warehouse_id=warehouse.pk) == {variant.pk: 10}
    assert selectors.warehouse_units(warehouse_id=warehouse.pk) == (50, 10)
    assert open_order.lines.get().expected_on == DUE and draft.status == "draft"


def test_merchant_staff_see_and_receive_only_their_own_purchase_orders(
    client, merchant_a, merchant_b
):
    own, _ = order_of(
        merchant_a, VariantFactory(product__merchant=merchant_a),
        status=PurchaseOrderStatus.ORDERED,
    )  # fmt: skip
    other, _ = order_of(
        merchant_b, VariantFactory(product__merchant=merchant_b),
        status=PurchaseOrderStatus.ORDERED,
    )  # fmt: skip
    client.force_login(StaffFactory(merchant=merchant_a))

    listing = client.get("/admin/logistics/purchaseorder/")
    assert {o.pk for o in listing.context["cl"].result_list} == {own.pk}
    assert client.get(f"/admin/logistics/purchaseorder/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/logistics/purchaseorder/{other.pk}/change/").status_code == 404
    client.post(
        "/admin/logistics/purchaseorder/",
        {"action": "receive_orders", "_selected_action": [own.pk, other.pk]},
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == PurchaseOrderStatus.RECEIVED
    assert other.status == PurchaseOrderStatus.ORDERED


def test_receiving_a_cancelled_order_in_admin_says_why(client, merchant_a):
    order, _ = order_of(merchant_a, VariantFactory(product__merchant=merchant_a))
    services.purchase_order_cancel(order=order, actor=None)
    client.force_login(StaffFactory(merchant=merchant_a))

    page = client.post(
        "/admin/logistics/purchaseorder/",
        {"action": "receive_orders", "_selected_action": [order.pk]},
        follow=True,
    )

    assert page.status_code == 200
    assert "cannot become" in page.content.decode()
    assert not Stock.objects.exists()


def test_the_stock_list_shows_what_is_on_order_for_each_row(client, merchant_a):
    warehouse = WarehouseFactory(code="main")
    variant = VariantFactory(product__merchant=merchant_a)
    row = StockFactory(variant=variant, warehouse=warehouse, quantity=4)
    other_place = StockFactory(variant=variant, warehouse=WarehouseFactory(code="far"))
    order_of(merchant_a, variant, quantity=9, status=PurchaseOrderStatus.ORDERED)
    client.force_login(StaffFactory(merchant=merchant_a))

    listing = client.get("/admin/logistics/stock/")

    on_order = {s.pk: s.units_on_order for s in listing.context["cl"].result_list}
    assert on_order == {row.pk: 9, other_place.pk: 0}


def test_the_purchase_order_list_runs_a_fixed_number_of_queries(
    client, merchant_a, django_assert_max_num_queries
):
    for _ in range(5):
        order_of(merchant_a, VariantFactory(product__merchant=merchant_a))
    client.force_login(StaffFactory(merchant=merchant_a))
    with django_assert_max_num_queries(20):
        assert client.get("/admin/logistics/purchaseorder/").status_code == 200


def test_merchant_staff_set_supply_terms_of_their_own_variants_only(client, merchant_a, merchant_b):
    from logistics.models import SupplyTerms

    own = VariantFactory(product__merchant=merchant_a)
    theirs = VariantFactory(product__merchant=merchant_b)
    SupplyTerms.objects.create(variant=theirs, unit_cost=Decimal("3.00"))
    client.force_login(StaffFactory(merchant=merchant_a))
    form = {"unit_cost": "12.00", "lead_time_days": "9", "case_pack": "6"}

    refused = client.post("/admin/logistics/supplyterms/add/", {**form, "variant": theirs.pk})
    client.post("/admin/logistics/supplyterms/add/", {**form, "variant": own.pk})

    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    terms = SupplyTerms.objects.get(variant=own)
    assert (terms.unit_cost, terms.lead_time_days, terms.case_pack) == (Decimal("12.00"), 9, 6)
    listing = client.get("/admin/logistics/supplyterms/")
    assert [t.variant_id for t in listing.context["cl"].result_list] == [own.pk]
