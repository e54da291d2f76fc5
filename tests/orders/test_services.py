"""Order services: placing an order from the cart, every status change after it, guest links and
the expiry of unpaid orders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from cart.services import cart_add
from cart.storage import storage_for
from catalog.models import Product, ProductVariant
from logistics.models import Allocation, ShippingMethod, Stock
from orders import selectors, services, transitions
from orders.errors import CheckoutError, IllegalTransition, OrderError
from orders.models import Order, OrderEvent, OrderEventType
from orders.models import OrderStatus as S
from tests.accounts.factories import UserFactory
from tests.orders.factories import ADDRESS, allocated, fill_cart, shipping_method, variant_in_stock

pytestmark = pytest.mark.django_db


# --- Givens -------------------------------------------------------------------------------------


@pytest.fixture
def method() -> ShippingMethod:
    return shipping_method(price="12.00", free_above="199.00")


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def place(method, session=None, *, user=None, key: str | None = None) -> Order:
    """Check out whatever the cart holds (the user's saved cart, or the session's)."""
    return services.order_place(
        user=user,
        session=session if session is not None else SessionStore(),
        email="buyer@example.com",
        address=ADDRESS,
        shipping_method_id=method.pk,
        checkout_key=key or uuid.uuid4().hex,
        language="en",
    )


def on_hand(variant: ProductVariant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("quantity", flat=True))


def last_event(order: Order) -> OrderEvent:
    return order.events.order_by("-created_at", "-id").first()


# --- Placing an order ---------------------------------------------------------------------------


def test_place_prices_the_order_from_current_database_prices(method):
    variant = variant_in_stock(price="40.00")
    session = fill_cart((variant, 2))
    ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("45.00"))

    order = place(method, session)

    line = order.lines.get()
    assert (line.unit_price, line.quantity, line.line_total) == (Decimal("45.00"), 2, Decimal("90"))
    assert order.subtotal == Decimal("90.00")
    assert order.shipping_total == Decimal("12.00")
    assert order.total == Decimal("102.00")


@pytest.mark.parametrize(
    ("price", "shipping"),
    [("198.99", Decimal("12.00")), ("199.00", Decimal("0.00")), ("250.00", Decimal("0.00"))],
)
def test_shipping_is_free_from_the_threshold(method, price, shipping):
    order = place(method, fill_cart((variant_in_stock(price=price), 1)))

    assert order.shipping_total == shipping
    assert order.total == Decimal(price) + shipping


def test_place_allocates_stock_records_the_event_and_empties_the_cart(method):
    variant = variant_in_stock(quantity=5)
    session = fill_cart((variant, 3))

    order = place(method, session)

    assert order.status == S.PENDING_PAYMENT
    assert allocated(variant) == 3
    assert Allocation.objects.filter(order_line__order=order).count() == 1
    event = order.events.get()
    assert (event.from_status, event.to_status, event.type, event.note) == (
        "",
        S.PENDING_PAYMENT,
        OrderEventType.PLACED,
        "",
    )
    assert storage_for(None, session).lines() == {}
    assert order.guest_token
    assert order.expires_at > timezone.now()
    assert (order.recipient, order.postal_code) == (ADDRESS.recipient, ADDRESS.postal_code)


def test_place_for_a_signed_in_shopper_uses_and_empties_their_saved_cart(method):
    user = UserFactory()
    variant = variant_in_stock()
    cart_add(user=user, session=SessionStore(), variant_id=variant.pk, quantity=2)

    order = place(method, user=user)

    assert order.user == user
    assert order.guest_token == ""
    assert order.lines.get().quantity == 2
    assert storage_for(user, SessionStore()).lines() == {}
    assert order.events.get().actor == user


def assert_nothing_left_behind(*variants: ProductVariant) -> None:
    assert not Order.objects.exists()
    assert not Allocation.objects.exists()
    assert not OrderEvent.objects.exists()
    assert all(allocated(v) == 0 for v in variants)


def test_place_with_an_empty_cart_is_refused(method):
    with pytest.raises(CheckoutError, match="empty"):
        place(method, SessionStore())

    assert_nothing_left_behind()


def test_place_with_an_inactive_product_is_refused_and_leaves_nothing_behind(method):
    fine, withdrawn = variant_in_stock(), variant_in_stock()
    session = fill_cart((fine, 1), (withdrawn, 1))
    Product.objects.filter(pk=withdrawn.product_id).update(is_active=False)

    with pytest.raises(CheckoutError):
        place(method, session)

    assert_nothing_left_behind(fine, withdrawn)
    assert len(storage_for(None, session).lines()) == 2


def test_place_short_of_stock_is_refused_and_leaves_nothing_behind(method):
    fine, scarce = variant_in_stock(), variant_in_stock(quantity=3)
    session = fill_cart((fine, 1), (scarce, 3))
    Stock.objects.filter(variant=scarce).update(quantity=2)

    with pytest.raises(CheckoutError):
        place(method, session)

    assert_nothing_left_behind(fine, scarce)


def test_place_without_an_active_shipping_method_is_refused(method):
    session = fill_cart((variant_in_stock(), 1))
    ShippingMethod.objects.filter(pk=method.pk).update(is_active=False)

    with pytest.raises(CheckoutError):
        place(method, session)

    assert_nothing_left_behind()


def test_the_same_checkout_key_gives_one_order(method):
    variant = variant_in_stock()
    session = fill_cart((variant, 2))

    first = place(method, session, key="form-1")
    again = place(method, session, key="form-1")

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert allocated(variant) == 2


# --- The state machine --------------------------------------------------------------------------

# The services that move an order one step, each with "n" as its note where it takes one.
Step = Callable[[Order, object], Order]


def ship_first_merchant(order: Order, actor) -> Order:
    first = order.lines.order_by("pk").first()
    return services.order_ship(order=order, actor=actor, merchant_id=first.merchant_id)


SERVICES: dict[str, Step] = {
    "mark_paid": lambda o, a: services.order_mark_paid(order=o, actor=a, note="n"),
    "cancel": lambda o, a: services.order_cancel(order=o, actor=a, reason="n"),
    "ship": lambda o, a: services.order_ship(order=o, actor=a),
    "ship_first_merchant": ship_first_merchant,
    "mark_delivered": lambda o, a: services.order_mark_delivered(order=o, actor=a, note="n"),
    "complete": lambda o, a: services.order_complete(order=o, actor=a, note="n"),
    "refund_request": lambda o, a: services.order_refund_request(order=o, actor=a, reason="n"),
    "refund_decline": lambda o, a: services.order_refund_decline(order=o, actor=a, reason="n"),
    "hold": lambda o, a: services.order_hold_for_review(order=o, actor=a, note="n"),
    "approve": lambda o, a: services.order_review_approve(order=o, actor=a, note="n"),
    "refund_all": lambda o, a: services.order_mark_refunded(
        order=o, actor=a, full=True, returns=[], note="n"
    )[0],
    "refund_part": lambda o, a: services.order_mark_refunded(
        order=o, actor=a, full=False, returns=[], note="n"
    )[0],
}

# What each service records the step as (OrderEvent.type).
SERVICE_EVENT_TYPES: dict[str, OrderEventType] = {
    "mark_paid": OrderEventType.PAID,
    "cancel": OrderEventType.CANCELLED,
    "ship": OrderEventType.SHIPPED,
    "ship_first_merchant": OrderEventType.SHIPPED,
    "mark_delivered": OrderEventType.DELIVERED,
    "complete": OrderEventType.COMPLETED,
    "refund_request": OrderEventType.REFUND_REQUESTED,
    "refund_decline": OrderEventType.REFUND_DECLINED,
    "hold": OrderEventType.UNDER_REVIEW,
    "approve": OrderEventType.APPROVED,
    "refund_all": OrderEventType.REFUNDED,
    "refund_part": OrderEventType.REFUNDED,
}

# Every move of transitions.ALLOWED that a service makes, and that service.
STEPS: dict[tuple[str, str], str] = {
    (S.PENDING_PAYMENT, S.PAID): "mark_paid",
    (S.PENDING_PAYMENT, S.CANCELLED): "cancel",
    (S.PAID, S.PARTIALLY_SHIPPED): "ship_first_merchant",
    (S.PAID, S.SHIPPED): "ship",
    (S.PAID, S.CANCELLED): "cancel",
    (S.PARTIALLY_SHIPPED, S.SHIPPED): "ship",
    (S.SHIPPED, S.DELIVERED): "mark_delivered",
    (S.DELIVERED, S.COMPLETED): "complete",
    (S.PENDING_PAYMENT, S.UNDER_REVIEW): "hold",
    (S.UNDER_REVIEW, S.PENDING_PAYMENT): "approve",
    (S.UNDER_REVIEW, S.CANCELLED): "cancel",
    # Refunds (payments.refunds decides how much; these record it on the order).
    (S.PAID, S.REFUNDED): "refund_all",
    **{
        (before, S.REFUNDED): "refund_all"
        for before in (
            S.SHIPPED,
            S.DELIVERED,
            S.COMPLETED,
            S.REFUND_REQUESTED,
            S.PARTIALLY_REFUNDED,
        )
    },
    **{
        (before, S.PARTIALLY_REFUNDED): "refund_part"
        for before in (S.SHIPPED, S.DELIVERED, S.COMPLETED)
    },
    **{
        (before, S.REFUND_REQUESTED): "refund_request"
        for before in (S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED)
    },
    # A decline returns the order to where the request was made.
    **{
        (S.REFUND_REQUESTED, back): "refund_decline"
        for back in (S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED)
    },
}

SHIPPING_MOVES = {
    (S.PAID, S.PARTIALLY_SHIPPED),
    (S.PAID, S.SHIPPED),
    (S.PARTIALLY_SHIPPED, S.SHIPPED),
}

# Moves the map allows for which orders.services has no service that makes them (yet).
WITHOUT_SERVICE: set[tuple[str, str]] = set()
# refund_requested -> partially_refunded is both a refund (order_mark_refunded, tested in
# test_a_partial_refund_of_a_refund_request) and a decline back; the table lists the decline.

# The statuses a test order passes through to reach each status.
PATH: dict[str, list[str]] = {
    S.PENDING_PAYMENT: [],
    S.UNDER_REVIEW: [S.UNDER_REVIEW],
    S.PAID: [S.PAID],
    S.PARTIALLY_SHIPPED: [S.PAID, S.PARTIALLY_SHIPPED],
    S.SHIPPED: [S.PAID, S.SHIPPED],
    S.DELIVERED: [S.PAID, S.SHIPPED, S.DELIVERED],
    S.COMPLETED: [S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED],
    S.CANCELLED: [S.CANCELLED],
    S.REFUND_REQUESTED: [S.PAID, S.SHIPPED, S.REFUND_REQUESTED],
    S.PARTIALLY_REFUNDED: [S.PAID, S.SHIPPED, S.REFUND_REQUESTED, S.PARTIALLY_REFUNDED],
    S.REFUNDED: [S.PAID, S.SHIPPED, S.REFUND_REQUESTED, S.REFUNDED],
}


def payments_stand_in(order: Order, to_status: str) -> Order:
    from orders.events import order_event_record

    Order.objects.filter(pk=order.pk).update(status=to_status)
    order_event_record(order=order, actor=None, from_status=order.status, to_status=to_status)
    order.refresh_from_db()
    return order


def walk(order: Order, statuses: list[str], actor=None) -> Order:
    for status in statuses:
        if status in (S.PARTIALLY_REFUNDED, S.REFUNDED):
            order = payments_stand_in(order, status)
        else:
            order = SERVICES[STEPS[order.status, status]](order, actor)
        order.refresh_from_db()
        assert order.status == status
    return order


@pytest.fixture
def two_merchant_order(method):
    """A fresh order awaiting payment: one line from each of two merchants."""

    def make() -> Order:
        a = variant_in_stock(price="60.00")
        b = variant_in_stock(price="80.00")
        return place(method, fill_cart((a, 1), (b, 2)))

    return make


def path_for(move: tuple[str, str]) -> list[str]:
    before, after = move
    if STEPS[move] == "refund_decline":  # a decline returns to where the request was made
        return [*PATH[after], S.REFUND_REQUESTED]
    return PATH[before]


def test_every_allowed_move_has_a_tested_service_or_is_listed_without_one():
    allowed = {(a, b) for a, targets in transitions.ALLOWED.items() for b in targets}

    assert set(STEPS) <= allowed
    assert set(STEPS) | WITHOUT_SERVICE == allowed
    assert not set(STEPS) & WITHOUT_SERVICE


@pytest.mark.parametrize("move", list(STEPS), ids=lambda m: f"{m[0]}->{m[1]}")
def test_each_allowed_move_works_and_records_who_from_to_and_why(two_merchant_order, staff, move):
    before, after = move
    order = walk(two_merchant_order(), path_for(move))
    assert order.status == before
    events = order.events.count()

    SERVICES[STEPS[move]](order, staff)

    order.refresh_from_db()
    assert order.status == after
    assert order.events.count() == events + 1
    event = last_event(order)
    assert (event.actor, event.from_status, event.to_status) == (staff, before, after)
    assert event.type == SERVICE_EVENT_TYPES[STEPS[move]]
    if move in SHIPPING_MOVES:
        assert event.params["skus"] and all(s.startswith("SKU-") for s in event.params["skus"])
        assert event.params["partial"] == (after == S.PARTIALLY_SHIPPED)
    else:
        assert event.note == "n"


# The statuses each service accepts, written from the shop's rules rather than read from
# orders.transitions, so that a change to the production map shows up here as a failure.
LEGAL_FROM: dict[str, set[str]] = {
    # A shopper may cancel until the goods leave the warehouse.
    "cancel": {S.PENDING_PAYMENT, S.UNDER_REVIEW, S.PAID},
    # Merchants ship paid orders, one merchant's lines at a time.
    "ship": {S.PAID, S.PARTIALLY_SHIPPED},
    "mark_delivered": {S.SHIPPED},
    "complete": {S.DELIVERED},
    # A refund is asked for once the goods have left (cancelling comes before that).
    "refund_request": {S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED},
    "refund_decline": {S.REFUND_REQUESTED},
    # The risk checks hold an order before its payment; a reviewer releases it.
    "hold": {S.PENDING_PAYMENT},
    "approve": {S.UNDER_REVIEW},
    # Money goes back from any order that was paid; of one not shipped, all of it only.
    "refund_all": {
        S.PAID,
        S.SHIPPED,
        S.DELIVERED,
        S.COMPLETED,
        S.REFUND_REQUESTED,
        S.PARTIALLY_REFUNDED,
        S.CANCELLED,
    },
    "refund_part": {S.SHIPPED, S.DELIVERED, S.COMPLETED, S.REFUND_REQUESTED, S.PARTIALLY_REFUNDED},
}


def illegal_cases() -> list[tuple[str, str]]:
    """(service, status) pairs where that service must refuse the order."""
    cases = [(name, s) for name, ok in LEGAL_FROM.items() for s in PATH if s not in ok]
    # Paying is harmless on anything already paid; only a cancelled unpaid order refuses it.
    return [*cases, ("mark_paid", S.CANCELLED)]


def snapshot(order: Order):
    order.refresh_from_db()
    return (
        order.status,
        order.paid_at,
        order.events.count(),
        list(order.lines.order_by("pk").values_list("quantity_shipped", flat=True)),
        list(Stock.objects.order_by("pk").values_list("quantity", "allocated")),
        Allocation.objects.count(),
    )


@pytest.mark.parametrize(("service", "status"), illegal_cases(), ids=lambda v: v)
def test_an_illegal_move_raises_and_changes_nothing(two_merchant_order, staff, service, status):
    order = walk(two_merchant_order(), PATH[status])
    before = snapshot(order)

    with pytest.raises(IllegalTransition):
        SERVICES[service](order, staff)

    assert snapshot(order) == before


def test_cancel_releases_the_stock(two_merchant_order, staff):
    order = walk(two_merchant_order(), [S.PAID])
    variants = [line.variant for line in order.lines.all()]
    assert [allocated(v) for v in variants] == [1, 2]

    services.order_cancel(order=order, actor=staff, reason="changed my mind")

    assert [allocated(v) for v in variants] == [0, 0]
    assert [on_hand(v) for v in variants] == [10, 10]
    assert not Allocation.objects.filter(order_line__order=order).exists()


def test_cancel_after_shipping_is_refused_and_the_stock_stays_shipped(two_merchant_order, staff):
    order = walk(two_merchant_order(), [S.PAID, S.SHIPPED])
    variants = [line.variant for line in order.lines.all()]

    with pytest.raises(IllegalTransition):
        services.order_cancel(order=order, actor=staff, reason="too late")

    assert [(on_hand(v), allocated(v)) for v in variants] == [(9, 0), (8, 0)]
    order.refresh_from_db()
    assert order.status == S.SHIPPED


def test_shipping_per_merchant_is_partial_then_complete(two_merchant_order, staff):
    order = walk(two_merchant_order(), [S.PAID])
    first, second = order.lines.order_by("pk")

    services.order_ship(order=order, actor=staff, merchant_id=first.merchant_id)

    order.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED
    assert (first.quantity_shipped, second.quantity_shipped) == (1, 0)
    assert (on_hand(first.variant), allocated(first.variant)) == (9, 0)
    assert (on_hand(second.variant), allocated(second.variant)) == (10, 2)
    with pytest.raises(OrderError):
        services.order_ship(order=order, actor=staff, merchant_id=first.merchant_id)

    services.order_ship(order=order, actor=staff, merchant_id=second.merchant_id)

    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert (on_hand(second.variant), allocated(second.variant)) == (8, 0)
    assert list(order.events.values_list("to_status", flat=True)) == [
        S.PENDING_PAYMENT,
        S.PAID,
        S.PARTIALLY_SHIPPED,
        S.SHIPPED,
    ]


def test_marking_paid_twice_is_harmless(two_merchant_order, staff):
    order = two_merchant_order()
    services.order_mark_paid(order=order, actor=staff)
    order.refresh_from_db()
    paid_at, events = order.paid_at, order.events.count()

    services.order_mark_paid(order=order, actor=staff)

    order.refresh_from_db()
    assert (order.status, order.paid_at, order.events.count()) == (S.PAID, paid_at, events)


def test_marking_a_shipped_order_paid_again_changes_nothing(two_merchant_order, staff):
    order = walk(two_merchant_order(), [S.PAID, S.SHIPPED])
    before = snapshot(order)

    services.order_mark_paid(order=order, actor=staff)

    assert snapshot(order) == before


@pytest.mark.parametrize("status", [S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED])
def test_declining_a_refund_returns_the_order_to_where_it_was(two_merchant_order, staff, status):
    order = walk(two_merchant_order(), PATH[status])
    services.order_refund_request(order=order, actor=None, reason="broken on arrival")
    order.refresh_from_db()
    assert order.status == S.REFUND_REQUESTED

    services.order_refund_decline(order=order, actor=staff, reason="photos show no damage")

    order.refresh_from_db()
    assert order.status == status
    event = last_event(order)
    assert (event.from_status, event.to_status) == (S.REFUND_REQUESTED, status)
    assert event.note == "photos show no damage"


def test_a_refund_request_before_shipping_is_refused_in_favour_of_cancelling(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID])

    with pytest.raises(IllegalTransition, match="cancel"):
        services.order_refund_request(order=order, actor=None, reason="no longer needed")


# --- Guest links --------------------------------------------------------------------------------


def test_a_guest_finds_their_order_with_the_right_token_only(method):
    order = place(method, fill_cart((variant_in_stock(), 1)))

    assert selectors.order_for_guest(number=order.number, token=order.guest_token) == order
    assert selectors.order_for_guest(number=order.number, token="wrong") is None
    assert selectors.order_for_guest(number=order.number, token="") is None
    assert selectors.order_for_guest(number="NOPE", token=order.guest_token) is None


def test_a_signed_in_shoppers_order_has_no_guest_link(method):
    user = UserFactory()
    cart_add(user=user, session=SessionStore(), variant_id=variant_in_stock().pk, quantity=1)
    order = place(method, user=user)

    assert selectors.order_for_guest(number=order.number, token="") is None


# --- Unpaid orders past their deadline ----------------------------------------------------------


def test_expiry_cancels_only_expired_unpaid_orders_and_releases_their_stock(method):
    variant = variant_in_stock(quantity=10)
    expired = place(method, fill_cart((variant, 1)))
    waiting = place(method, fill_cart((variant, 2)))
    paid = place(method, fill_cart((variant, 3)))
    services.order_mark_paid(order=paid, actor=None)
    past = timezone.now() - timedelta(minutes=1)
    Order.objects.filter(pk__in=[expired.pk, paid.pk]).update(expires_at=past)
    assert allocated(variant) == 6

    cancelled = services.orders_cancel_expired_unpaid()

    assert cancelled == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {expired.pk: S.CANCELLED, waiting.pk: S.PENDING_PAYMENT, paid.pk: S.PAID}
    assert allocated(variant) == 5
    event = last_event(expired)
    assert (event.actor, event.from_status, event.to_status, event.type) == (
        None,
        S.PENDING_PAYMENT,
        S.CANCELLED,
        OrderEventType.EXPIRED,
    )


def test_expiry_run_twice_cancels_once(method):
    variant = variant_in_stock(quantity=10)
    order = place(method, fill_cart((variant, 4)))
    later = timezone.now() + timedelta(days=1)

    assert services.orders_cancel_expired_unpaid(now=later) == 1
    assert services.orders_cancel_expired_unpaid(now=later) == 0

    assert allocated(variant) == 0
    assert order.events.filter(to_status=S.CANCELLED).count() == 1


# --- Who may change an order as a whole ---------------------------------------------------------
def shared_order():
    """An order with lines from two merchants, paid."""
    from tests.orders.factories import place_order, variant_in_stock

    first, second = variant_in_stock(name="Kettle"), variant_in_stock(name="Teapot")
    order = place_order((first, 1), (second, 1))
    return services.order_mark_paid(order=order, actor=None), first, second


def staff_of(merchant):
    from tests.accounts.factories import StaffFactory

    return StaffFactory(merchant=merchant)


def test_a_merchant_cannot_cancel_an_order_shared_with_another_merchant():
    order, first, _second = shared_order()

    with pytest.raises(OrderError):
        services.order_cancel(order=order, actor=staff_of(first.product.merchant), reason="no")

    order.refresh_from_db()
    assert order.status == S.PAID


def test_the_operator_cancels_a_shared_order():
    from tests.accounts.factories import UserFactory

    order, _first, _second = shared_order()
    operator = UserFactory(is_staff=True, is_superuser=True)

    services.order_cancel(order=order, actor=operator, reason="operator")

    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_a_merchant_ships_only_its_own_lines_whatever_it_asks():
    order, first, second = shared_order()

    services.order_ship(order=order, actor=staff_of(first.product.merchant), merchant_id=None)

    shipped = dict(order.lines.values_list("variant_id", "quantity_shipped"))
    assert shipped == {first.pk: 1, second.pk: 0}
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED


# --- Reorder ------------------------------------------------------------------------------------
def test_reorder_puts_lines_back_and_names_those_it_cannot():
    from django.contrib.sessions.backends.db import SessionStore

    from cart.selectors import cart_view
    from tests.orders.factories import place_order, variant_in_stock

    kept, retired = variant_in_stock(name="Kettle"), variant_in_stock(name="Teapot")
    order = place_order((kept, 2), (retired, 1))
    retired.product.is_active = False
    retired.product.save()
    session = SessionStore()

    added, skipped = services.order_reorder(order=order, user=None, session=session)

    assert added == 2
    assert len(skipped) == 1 and skipped[0].startswith("Teapot")
    lines = {line.variant.pk: line.quantity for line in cart_view(user=None, session=session).lines}
    assert lines == {kept.pk: 2}


# --- Review holds and refunds (the order's side; payments decides when) ------------------------


def test_an_order_held_for_review_neither_pays_nor_expires_until_approved(two_merchant_order):
    order = walk(two_merchant_order(), [S.UNDER_REVIEW])
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert services.orders_cancel_expired_unpaid() == 0
    services.order_review_approve(order=order, actor=None)

    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert order.expires_at > timezone.now()


def test_a_full_refund_of_an_unshipped_order_releases_its_stock(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID])
    variants = [line.variant for line in order.lines.order_by("pk")]

    services.order_mark_refunded(order=order, actor=None, full=True, returns=[], note="refunded")

    assert [(on_hand(v), allocated(v)) for v in variants] == [(10, 0), (10, 0)]
    order.refresh_from_db()
    assert order.status == S.REFUNDED


def test_a_partial_refund_of_an_unshipped_order_is_refused(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID])

    with pytest.raises(IllegalTransition):
        services.order_mark_refunded(order=order, actor=None, full=False, returns=[], note="x")


def test_returned_shipped_units_go_back_on_hand(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID, S.SHIPPED])
    first, second = order.lines.order_by("pk")

    _order, restocked = services.order_mark_refunded(
        order=order,
        actor=None,
        full=False,
        returns=[services.LineReturn(second.pk, 1)],
        note="refunded",
    )

    assert [(r.variant_id, r.quantity) for r in restocked] == [(second.variant_id, 1)]
    assert (on_hand(first.variant), on_hand(second.variant)) == (9, 9)


def test_more_units_than_shipped_cannot_come_back(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID, S.SHIPPED])
    line = order.lines.order_by("pk").last()

    with pytest.raises(OrderError):
        services.order_mark_refunded(
            order=order, actor=None, full=False, returns=[services.LineReturn(line.pk, 3)], note="x"
        )
    assert on_hand(line.variant) == 8


def test_a_second_partial_refund_is_recorded_without_a_status_change(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID, S.SHIPPED])
    services.order_mark_refunded(order=order, actor=None, full=False, returns=[], note="refunded")

    services.order_mark_refunded(order=order, actor=None, full=False, returns=[], note="refunded")

    event = last_event(order)
    assert (event.from_status, event.to_status) == (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED)


def test_a_partial_refund_of_a_refund_request(two_merchant_order):
    order = walk(two_merchant_order(), [S.PAID, S.SHIPPED, S.REFUND_REQUESTED])

    services.order_mark_refunded(order=order, actor=None, full=False, returns=[], note="refunded")

    order.refresh_from_db()
    assert order.status == S.PARTIALLY_REFUNDED


# --- Event types ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_status", "to_status", "expected"),
    [
        ("", S.PENDING_PAYMENT, OrderEventType.PLACED),
        (S.PENDING_PAYMENT, S.PAID, OrderEventType.PAID),
        (S.PAID, S.PARTIALLY_SHIPPED, OrderEventType.SHIPPED),
        (S.PAID, S.CANCELLED, OrderEventType.CANCELLED),
        (S.UNDER_REVIEW, S.PENDING_PAYMENT, OrderEventType.APPROVED),
        (S.REFUND_REQUESTED, S.DELIVERED, OrderEventType.REFUND_DECLINED),
        (S.REFUND_REQUESTED, S.PARTIALLY_REFUNDED, OrderEventType.REFUNDED),
        (S.PAID, S.PAID, OrderEventType.NOTE),
    ],
)
def test_an_event_recorded_without_a_type_gets_the_one_its_statuses_say(
    method, from_status, to_status, expected
):
    from orders.events import order_event_record

    order = place(method, fill_cart((variant_in_stock(), 1)))

    event = order_event_record(
        order=order, actor=None, from_status=from_status, to_status=to_status, note="x"
    )

    assert (event.type, event.params, event.note) == (expected, {}, "x")


def test_a_payment_records_its_gateway_and_trade_number_not_a_note(method):
    order = place(method, fill_cart((variant_in_stock(), 1)))

    services.order_mark_paid(order=order, actor=None, gateway="gw", trade_no="T-1")

    event = last_event(order)
    assert (event.type, event.params, event.note) == (
        OrderEventType.PAID,
        {"gateway": "gw", "trade_no": "T-1"},
        "",
    )


def test_a_refund_records_its_amount(method):
    order = place(method, fill_cart((variant_in_stock(), 1)))
    services.order_mark_paid(order=order, actor=None)

    services.order_mark_refunded(
        order=order, actor=None, full=True, returns=[], amount=Decimal("62.00")
    )

    event = last_event(order)
    assert (event.type, event.params) == (
        OrderEventType.REFUNDED,
        {"full": True, "amount": "62.00"},
    )


# --- Stock movements ----------------------------------------------------------------------------
def test_placing_and_shipping_an_order_write_stock_movements_with_the_actor():
    from logistics.models import StockMovement
    from logistics.models import StockMovementKind as K
    from tests.accounts.factories import StaffFactory

    order, first, _second = shared_order()
    staff = StaffFactory(merchant=first.product.merchant)

    services.order_ship(order=order, actor=staff, merchant_id=None)

    line = order.lines.get(variant=first)
    rows = StockMovement.objects.filter(variant=first).order_by("id")
    assert [(m.kind, m.quantity_delta, m.allocated_delta) for m in rows] == [
        (K.ALLOCATED, 0, 1),
        (K.SHIPPED, -1, -1),
    ]
    assert {m.reference for m in rows} == {f"order-line:{line.pk}"}
    assert rows[1].actor == staff
