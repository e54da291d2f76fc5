"""Stock services: allocate when an order is placed, release when it is cancelled, deduct when it
ships. Each test runs in the test transaction, as the services expect their caller's."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Product
from logistics import selectors, services
from logistics.models import Allocation, Stock, StockMovement
from logistics.models import StockMovementKind as K
from orders.models import Order, OrderLine
from tests.accounts.factories import StaffFactory
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def line_for(variant, quantity: int) -> OrderLine:
    """An order line to hang allocations on (the services only need its id)."""
    order = Order.objects.create(email="buyer@example.com")
    return OrderLine.objects.create(
        order=order,
        merchant=variant.product.merchant,
        product=variant.product,
        variant=variant,
        product_name="Thing",
        sku=variant.sku,
        unit_price=Decimal("10.00"),
        quantity=quantity,
        line_total=Decimal("10.00") * quantity,
    )


def request_for(line: OrderLine) -> services.LineRequest:
    return services.LineRequest(line.pk, line.variant_id, line.quantity)


def stock_state(*rows: Stock) -> list[tuple[int, int]]:
    fresh = Stock.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    return [(row.quantity, row.allocated) for row in fresh]


def test_allocation_takes_from_the_warehouse_with_most_available_first():
    variant = VariantFactory()
    small = StockFactory(variant=variant, warehouse=WarehouseFactory(code="a"), quantity=4)
    big = StockFactory(variant=variant, warehouse=WarehouseFactory(code="b"), quantity=9)
    line = line_for(variant, 3)

    allocations = services.stock_allocate(requests=[request_for(line)])

    assert [(a.stock_id, a.quantity) for a in allocations] == [(big.pk, 3)]
    assert stock_state(small, big) == [(4, 0), (9, 3)]


def test_allocation_counts_what_is_already_allocated_when_choosing_the_warehouse():
    variant = VariantFactory()
    # More on hand in "a", but more still available in "b".
    a = StockFactory(
        variant=variant, warehouse=WarehouseFactory(code="a"), quantity=10, allocated=8
    )
    b = StockFactory(variant=variant, warehouse=WarehouseFactory(code="b"), quantity=5)
    line = line_for(variant, 1)

    services.stock_allocate(requests=[request_for(line)])

    assert stock_state(a, b) == [(10, 8), (5, 1)]


def test_allocation_splits_a_line_across_warehouses_when_one_is_not_enough():
    variant = VariantFactory()
    a = StockFactory(variant=variant, warehouse=WarehouseFactory(code="a"), quantity=3)
    b = StockFactory(variant=variant, warehouse=WarehouseFactory(code="b"), quantity=5)
    line = line_for(variant, 7)

    services.stock_allocate(requests=[request_for(line)])

    split = Allocation.objects.filter(order_line=line).order_by("-quantity")
    assert [(x.stock_id, x.quantity) for x in split] == [(b.pk, 5), (a.pk, 2)]
    assert stock_state(a, b) == [(3, 2), (5, 5)]


def test_allocation_is_all_or_nothing_when_one_line_falls_short():
    plenty, scarce = VariantFactory(), VariantFactory()
    plenty_row = StockFactory(variant=plenty, quantity=10)
    scarce_row = StockFactory(variant=scarce, quantity=2, allocated=1)
    lines = [line_for(plenty, 4), line_for(scarce, 2)]

    with pytest.raises(services.InsufficientStock) as raised:
        services.stock_allocate(requests=[request_for(line) for line in lines])

    assert raised.value.shortages == {scarce.pk: 1}
    assert stock_state(plenty_row, scarce_row) == [(10, 0), (2, 1)]
    assert not Allocation.objects.exists()


def test_allocation_of_a_variant_without_stock_rows_reports_zero_available():
    variant = VariantFactory()

    with pytest.raises(services.InsufficientStock) as raised:
        services.stock_allocate(requests=[request_for(line_for(variant, 1))])

    assert raised.value.shortages == {variant.pk: 0}


def test_release_gives_back_exactly_what_was_allocated():
    variant = VariantFactory()
    a = StockFactory(variant=variant, warehouse=WarehouseFactory(code="a"), quantity=3, allocated=1)
    b = StockFactory(variant=variant, warehouse=WarehouseFactory(code="b"), quantity=5, allocated=2)
    allocations = services.stock_allocate(requests=[request_for(line_for(variant, 5))])
    assert stock_state(a, b) == [(3, 3), (5, 5)]

    services.stock_release(allocations=allocations)

    assert stock_state(a, b) == [(3, 1), (5, 2)]
    assert not Allocation.objects.exists()


def test_deduct_on_ship_lowers_on_hand_and_allocated():
    variant = VariantFactory()
    a = StockFactory(variant=variant, warehouse=WarehouseFactory(code="a"), quantity=3)
    b = StockFactory(variant=variant, warehouse=WarehouseFactory(code="b"), quantity=5, allocated=1)
    allocations = services.stock_allocate(requests=[request_for(line_for(variant, 6))])

    services.stock_deduct_shipped(allocations=allocations)

    assert stock_state(a, b) == [(1, 0), (1, 1)]
    assert not Allocation.objects.exists()


def test_shipping_everything_leaves_zero_not_negative():
    variant = VariantFactory()
    row = StockFactory(variant=variant, quantity=4)
    allocations = services.stock_allocate(requests=[request_for(line_for(variant, 4))])

    services.stock_deduct_shipped(allocations=allocations)

    assert stock_state(row) == [(0, 0)]
    with pytest.raises(services.InsufficientStock):
        services.stock_allocate(requests=[request_for(line_for(variant, 1))])
    assert stock_state(row) == [(0, 0)]


def test_the_database_refuses_allocated_above_on_hand_and_negative_stock():
    row = StockFactory(quantity=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=row.pk).update(allocated=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=row.pk).update(quantity=-1, allocated=0)

    assert stock_state(row) == [(2, 0)]


@pytest.mark.django_db(transaction=True)
def test_stock_changes_refuse_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        services.stock_allocate(requests=[])


def test_availability_sums_what_is_unallocated_over_all_warehouses():
    variant = VariantFactory()
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="a"), quantity=3, allocated=3)
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="b"), quantity=5, allocated=1)

    assert selectors.variant_availability([variant.pk]) == {variant.pk: 4}


# --- Movements: every change of a stock row is recorded -----------------------------------------


def movements(stock: Stock) -> list[tuple[str, int, int, str]]:
    return [
        (m.kind, m.quantity_delta, m.allocated_delta, m.reference)
        for m in StockMovement.objects.filter(stock=stock).order_by("id")
    ]


def test_allocating_releasing_and_shipping_each_write_a_movement_per_stock_row():
    variant = VariantFactory()
    stock = StockFactory(variant=variant, quantity=10)
    cancelled, shipped = line_for(variant, 2), line_for(variant, 3)

    first = services.stock_allocate(requests=[request_for(cancelled)])
    second = services.stock_allocate(requests=[request_for(shipped)])
    services.stock_release(allocations=first)
    services.stock_deduct_shipped(allocations=second)

    assert movements(stock) == [
        (K.ALLOCATED, 0, 2, f"order-line:{cancelled.pk}"),
        (K.ALLOCATED, 0, 3, f"order-line:{shipped.pk}"),
        (K.RELEASED, 0, -2, f"order-line:{cancelled.pk}"),
        (K.SHIPPED, -3, -3, f"order-line:{shipped.pk}"),
    ]
    assert stock_state(stock) == [(7, 0)]


def test_a_refund_writes_the_release_and_the_returned_units():
    variant = VariantFactory()
    stock = StockFactory(variant=variant, quantity=10)
    line = line_for(variant, 4)
    allocations = services.stock_allocate(requests=[request_for(line)])

    services.stock_release_and_restock(
        allocations=allocations, returns=[services.ReturnedUnits(variant.pk, 1, line.pk)]
    )

    assert movements(stock)[1:] == [
        (K.RELEASED, 0, -4, f"order-line:{line.pk}"),
        (K.RETURNED, 1, 0, f"order-line:{line.pk}"),
    ]


def test_the_movement_says_who_and_what_sku():
    staff = StaffFactory()
    stock = StockFactory(quantity=3)

    services.stock_adjust(stock=stock, quantity=5, actor=staff, reason="counted")

    movement = StockMovement.objects.get(stock=stock)
    assert (movement.kind, movement.quantity_delta, movement.reason) == (K.ADJUSTED, 2, "counted")
    assert (movement.actor, movement.sku, movement.warehouse_id) == (
        staff,
        stock.variant.sku,
        stock.warehouse_id,
    )


def test_receiving_creates_the_row_of_a_new_place_and_adds_to_an_existing_one():
    variant, warehouse = VariantFactory(), WarehouseFactory()

    row = services.stock_receive(warehouse=warehouse, variant=variant, quantity=4, actor=None)
    again = services.stock_receive(
        warehouse=warehouse, variant=variant, quantity=3, actor=None, reference="PO-7"
    )

    assert again.pk == row.pk
    assert stock_state(row) == [(7, 0)]
    assert movements(row) == [(K.RECEIVED, 4, 0, ""), (K.RECEIVED, 3, 0, "PO-7")]


def test_adjusting_below_what_is_allocated_is_refused_and_records_nothing():
    stock = StockFactory(quantity=10, allocated=6)

    with pytest.raises(services.StockError, match="6 units already allocated"):
        services.stock_adjust(stock=stock, quantity=5, actor=None, reason="")
    with pytest.raises(services.StockError):
        services.stock_adjust(stock=StockFactory(quantity=2), quantity=-1, actor=None, reason="")

    assert stock_state(stock) == [(10, 6)]
    assert not StockMovement.objects.exists()


def test_adjusting_to_the_same_count_records_nothing():
    stock = StockFactory(quantity=10)

    services.stock_adjust(stock=stock, quantity=10, actor=None, reason="recount")

    assert movements(stock) == []


def test_a_transfer_moves_available_units_and_records_both_sides():
    stock = StockFactory(quantity=10, allocated=7)
    elsewhere = WarehouseFactory()

    with pytest.raises(services.StockError):
        services.stock_transfer(stock=stock, to_warehouse=elsewhere, quantity=4, actor=None)
    source, target = services.stock_transfer(
        stock=stock, to_warehouse=elsewhere, quantity=3, actor=None
    )

    assert stock_state(source, target) == [(7, 7), (3, 0)]
    assert movements(source) == [(K.TRANSFERRED, -3, 0, f"stock:{target.pk}")]
    assert movements(target) == [(K.TRANSFERRED, 3, 0, f"stock:{source.pk}")]


def test_a_transfer_to_the_same_warehouse_or_of_nothing_and_a_negative_receipt_are_refused():
    stock = StockFactory(quantity=10)

    for to_warehouse, quantity in ((stock.warehouse, 2), (WarehouseFactory(), 0)):
        with pytest.raises(services.StockError):
            services.stock_transfer(
                stock=stock, to_warehouse=to_warehouse, quantity=quantity, actor=None
            )
    with pytest.raises(services.StockError):
        services.stock_receive(
            warehouse=stock.warehouse, variant=stock.variant, quantity=-1, actor=None
        )

    stock.refresh_from_db()
    assert stock.quantity == 10
    assert not StockMovement.objects.exists()


def test_deleting_a_row_records_what_it_held_and_refuses_one_with_allocations():
    stock = StockFactory(quantity=4)
    held = StockFactory(quantity=4, allocated=1)

    services.stock_delete(stock=stock, actor=None)
    with pytest.raises(services.StockError):
        services.stock_delete(stock=held, actor=None)

    movement = StockMovement.objects.get()
    assert (movement.kind, movement.quantity_delta, movement.stock) == (K.ADJUSTED, -4, None)
    assert Stock.objects.filter(pk=held.pk).exists()


def test_a_stock_change_refreshes_the_products_in_stock_flag_after_commit(
    django_capture_on_commit_callbacks,
):
    variant = VariantFactory()
    product = variant.product
    Product.objects.filter(pk=product.pk).update(in_stock=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_receive(
            warehouse=WarehouseFactory(), variant=variant, quantity=2, actor=None
        )

    product.refresh_from_db()
    assert product.in_stock is True
