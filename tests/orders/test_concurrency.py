"""Concurrency claims proven on PostgreSQL with real threads: no oversell, no deadlock, expiry and
double submissions handled once. Each thread has its own database connection (Django's are per
thread) and closes it when done; a barrier releases the threads together."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cart.services import cart_add
from catalog.models import ProductVariant
from logistics.models import Allocation, ShippingMethod, Stock
from logistics.services import LineRequest, stock_allocate
from orders import services
from orders.errors import CheckoutError
from orders.models import Order, OrderEvent, OrderLine
from orders.models import OrderStatus as S
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory
from tests.orders.factories import ADDRESS, shipping_method

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60


def run_together(
    count: int, work: Callable[[int], object], while_running: Callable[[], None] | None = None
) -> list[object]:
    """Run work(0..count-1) in `count` threads released at once; return each one's result or the
    exception it raised. `while_running` is called over and over until they have all finished."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(TIMEOUT)
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT
    while any(thread.is_alive() for thread in threads) and time.monotonic() < deadline:
        if while_running:
            while_running()
        threads[0].join(0.005)
    assert not any(thread.is_alive() for thread in threads), "threads stuck waiting for locks"
    return results


@pytest.fixture
def method() -> ShippingMethod:
    return shipping_method()


def place(method, *, user=None, session=None, key: str | None = None) -> Order:
    return services.order_place(
        user=user,
        session=session if session is not None else SessionStore(),
        email="buyer@example.com",
        address=ADDRESS,
        shipping_method_id=method.pk,
        checkout_key=key or uuid.uuid4().hex,
        language="en",
    )


def place_line(variant: ProductVariant) -> OrderLine:
    """An order line for `variant`, to hang allocations on."""
    order = Order.objects.create(email="held@example.com")
    return OrderLine.objects.create(
        order=order,
        merchant=variant.product.merchant,
        product=variant.product,
        variant=variant,
        product_name="Held",
        sku=variant.sku,
        unit_price=variant.price,
        quantity=1,
        line_total=variant.price,
    )


def stock_rows(*variants: ProductVariant) -> list[Stock]:
    return list(Stock.objects.filter(variant__in=variants).order_by("pk"))


def allocations_by_row() -> dict[int, int]:
    rows = Allocation.objects.values("stock").annotate(n=Sum("quantity"))
    return {row["stock"]: row["n"] for row in rows}


def errors_of(results: list[object]) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception) and not isinstance(r, CheckoutError)]


def test_twenty_shoppers_racing_for_seven_units_get_seven_orders(method):
    variant = VariantFactory(price=Decimal("25.00"))
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="north"), quantity=3)
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="south"), quantity=4)
    carts = []
    for _ in range(20):
        session = SessionStore()
        cart_add(user=None, session=session, variant_id=variant.pk, quantity=1)
        carts.append(session)
    seen: list[tuple[int, int]] = []

    def watch() -> None:
        seen.extend(Stock.objects.filter(variant=variant).values_list("quantity", "allocated"))

    results = run_together(20, lambda i: place(method, session=carts[i]), while_running=watch)

    assert errors_of(results) == []
    assert sum(isinstance(r, Order) for r in results) == 7
    assert sum(isinstance(r, CheckoutError) for r in results) == 13
    assert Order.objects.count() == 7
    assert OrderLine.objects.count() == 7
    assert [(row.quantity, row.allocated) for row in stock_rows(variant)] == [(3, 3), (4, 4)]
    assert allocations_by_row() == {row.pk: row.allocated for row in stock_rows(variant)}
    assert seen
    assert all(0 <= allocated <= quantity for quantity, allocated in seen)


def test_two_buyers_locking_products_in_opposite_orders_never_deadlock(method):
    a = VariantFactory(price=Decimal("10.00"))
    b = VariantFactory(price=Decimal("20.00"))
    east, west = WarehouseFactory(code="east"), WarehouseFactory(code="west")
    # Stock rows' pks interleave the two products, so locking by cart order would cross.
    for variant, warehouse, quantity in [
        (b, east, 16),
        (a, west, 14),
        (a, east, 16),
        (b, west, 14),
    ]:
        StockFactory(variant=variant, warehouse=warehouse, quantity=quantity)
    buyers = [UserFactory(), UserFactory()]
    # Buyer 0 fills the cart A then B, buyer 1 B then A; each orders 30 units of each in total.
    baskets = [[(a, 1), (b, 2)], [(b, 1), (a, 2)]]
    rounds = 10
    checkout = threading.Barrier(2)  # both buyers press "place order" together, every round

    def shop(i: int) -> list[Order]:
        orders, session = [], SessionStore()
        for _ in range(rounds):
            for variant, quantity in baskets[i]:
                cart_add(user=buyers[i], session=session, variant_id=variant.pk, quantity=quantity)
            checkout.wait(TIMEOUT)
            orders.append(place(method, user=buyers[i]))
        return orders

    results = run_together(2, shop)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Order.objects.count() == 2 * rounds
    for order in Order.objects.prefetch_related("lines__allocations"):
        assert order.status == S.PENDING_PAYMENT
        for line in order.lines.all():
            assert sum(x.quantity for x in line.allocations.all()) == line.quantity
    rows = stock_rows(a, b)
    assert [(row.quantity, row.allocated) for row in rows] == [(16, 16), (14, 14)] * 2
    assert allocations_by_row() == {row.pk: row.allocated for row in rows}


def test_two_expiry_runs_at_once_cancel_each_order_once(method):
    variant = VariantFactory(price=Decimal("15.00"))
    # One stock row shared by all five orders, so their releases contend for it.
    row = StockFactory(variant=variant, quantity=12, allocated=2)
    for _ in range(5):  # rounds, for more chances of an overlap
        orders = []
        for _ in range(5):
            session = SessionStore()
            cart_add(user=None, session=session, variant_id=variant.pk, quantity=2)
            orders.append(place(method, session=session))
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        row.refresh_from_db()
        assert row.allocated == 12

        results = run_together(2, lambda i: services.orders_cancel_expired_unpaid())

        assert errors_of(results) == []
        assert sum(results) == 5
        for order in orders:
            order.refresh_from_db()
            assert order.status == S.CANCELLED
            assert OrderEvent.objects.filter(order=order, to_status=S.CANCELLED).count() == 1
        row.refresh_from_db()
        assert row.allocated == 2
        assert not Allocation.objects.exists()


def test_the_same_checkout_submitted_twice_at_once_gives_one_order(method):
    variant = VariantFactory(price=Decimal("50.00"))
    StockFactory(variant=variant, quantity=100)
    shopper = UserFactory()
    rounds = 20
    for lag in range(rounds):
        cart_add(user=shopper, session=SessionStore(), variant_id=variant.pk, quantity=3)
        key = uuid.uuid4().hex

        def submit(i: int, key=key, lag=lag) -> Order:
            # The second click lands 0-19 ms after the first: both at once, or while the first
            # is committing and emptying the cart.
            if i == 1:
                time.sleep(lag / 1000)
            return place(method, user=shopper, key=key)

        results = run_together(2, submit)

        assert [r for r in results if isinstance(r, Exception)] == []
        assert results[0].pk == results[1].pk
        assert Order.objects.filter(checkout_key=key).count() == 1
    assert Order.objects.count() == rounds
    assert Stock.objects.get(variant=variant).allocated == 3 * rounds


def test_an_order_does_not_wait_for_another_products_order_in_the_same_warehouse(method):
    """Stock locks cover the stock rows only: locking the shared warehouse rows as well would
    queue every checkout behind every other, and deadlock two whose rows meet the warehouses in
    opposite orders."""
    first, second = VariantFactory(), VariantFactory()
    east, west = WarehouseFactory(code="east"), WarehouseFactory(code="west")
    for variant in (first, second):
        StockFactory(variant=variant, warehouse=east, quantity=5)
        StockFactory(variant=variant, warehouse=west, quantity=5)
    session = SessionStore()
    cart_add(user=None, session=session, variant_id=second.pk, quantity=6)
    holding, done = threading.Event(), threading.Event()

    def hold_first_products_stock() -> None:
        try:
            with transaction.atomic():
                stock_allocate(requests=[LineRequest(place_line(first).pk, first.pk, 1)])
                holding.set()
                done.wait(TIMEOUT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first_products_stock, daemon=True)
    holder.start()
    assert holding.wait(TIMEOUT)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        order = place(method, session=session)
    finally:
        done.set()
        holder.join(TIMEOUT)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert order.lines.get().quantity == 6
    assert [row.allocated for row in stock_rows(second)] == [5, 1]
