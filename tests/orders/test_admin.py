"""The order admin moves orders along only through orders.services: merchant staff ship their own
lines and act on whole orders only when every line is theirs; refusals are messages; a crafted
POST reaches no order outside the viewer's. Also the shipping method and allocation admins."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cart.services import cart_add
from catalog.models import ProductVariant
from logistics.models import Allocation, ShippingMethod, ShippingRate, Stock
from orders import services
from orders.models import Order, OrderEvent, OrderEventType
from orders.models import OrderStatus as S
from tests.accounts.factories import VALID_ADDRESS, StaffFactory, UserFactory
from tests.accounts.test_admin_scoping import admin_form_data
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

ADDRESS = services.ShippingAddress(**VALID_ADDRESS)
CHANGELIST = "admin:orders_order_changelist"


# --- Givens -------------------------------------------------------------------------------------


@pytest.fixture
def method() -> ShippingMethod:
    method = ShippingMethod.objects.create(
        code="test-standard", name_en="Standard", name_zh_hans="标准快递"
    )
    ShippingRate.objects.create(method=method, max_weight_grams=1000, price=Decimal("12.00"))
    return method


@pytest.fixture
def staff_a(merchant_a):
    return StaffFactory(merchant=merchant_a, email="staff@alpha.example")


@pytest.fixture
def staff_b(merchant_b):
    return StaffFactory(merchant=merchant_b, email="staff@bravo.example")


@pytest.fixture
def operator():
    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


def in_stock(merchant, sku: str, quantity: int = 10) -> ProductVariant:
    variant = VariantFactory(product__merchant=merchant, sku=sku)
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="main"), quantity=quantity)
    return variant


@pytest.fixture
def variant_a(merchant_a):
    return in_stock(merchant_a, "ALPHA-1")


@pytest.fixture
def variant_b(merchant_b):
    return in_stock(merchant_b, "BRAVO-1")


def place(method, *items: tuple[ProductVariant, int], user=None) -> Order:
    """An order placed through the cart and checkout services (a guest's unless `user`)."""
    session = SessionStore()
    for variant, quantity in items:
        cart_add(user=user, session=session, variant_id=variant.pk, quantity=quantity)
    return services.order_place(
        user=user,
        session=session,
        email="buyer@example.com",
        address=ADDRESS,
        shipping_method_id=method.pk,
        checkout_key=uuid.uuid4().hex,
        language="en",
    )


def place_paid(method, *items, user=None) -> Order:
    order = place(method, *items, user=user)
    return services.order_mark_paid(order=order, actor=None)


@pytest.fixture
def shared_order(method, variant_a, variant_b) -> Order:
    """Paid, with 2 of Alpha's ALPHA-1 and 3 of Bravo's BRAVO-1."""
    return place_paid(method, (variant_a, 2), (variant_b, 3))


def stock_of(variant) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant)
    return row.quantity, row.allocated


def run_action(client, action: str, *orders: Order, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [o.pk for o in orders], "index": "0", **extra},
    )


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def status_of(order: Order) -> str:
    order.refresh_from_db()
    return order.status


# --- Shipping -----------------------------------------------------------------------------------


def test_merchant_ships_own_lines_of_a_shared_order(
    client, staff_a, shared_order, variant_a, variant_b
):
    client.force_login(staff_a)

    response = run_action(client, "ship_lines", shared_order)

    assert response.status_code == 302
    assert status_of(shared_order) == S.PARTIALLY_SHIPPED
    assert stock_of(variant_a) == (8, 0)
    assert stock_of(variant_b) == (10, 3)
    lines = {line.sku: line.quantity_shipped for line in shared_order.lines.all()}
    assert lines == {"ALPHA-1": 2, "BRAVO-1": 0}
    event = shared_order.events.latest("id")
    assert (event.actor, event.to_status, event.type, event.params) == (
        staff_a,
        S.PARTIALLY_SHIPPED,
        OrderEventType.SHIPPED,
        {
            "skus": ["ALPHA-1"],
            "partial": True,
            "shipments": [shared_order.shipments.get().number],
            "carrier": "Simulated carrier",
            "tracking_numbers": [shared_order.shipments.get().tracking_number],
        },
    )
    done = f"Order {shared_order.number}: lines shipped, the order is now Partially shipped."
    assert ("success", done) in messages_of(response)


def test_other_merchant_shipping_the_rest_makes_the_order_shipped(
    client, staff_a, staff_b, shared_order, variant_b
):
    client.force_login(staff_a)
    run_action(client, "ship_lines", shared_order)
    client.force_login(staff_b)

    run_action(client, "ship_lines", shared_order)

    assert status_of(shared_order) == S.SHIPPED
    assert stock_of(variant_b) == (7, 0)
    assert shared_order.events.latest("id").actor == staff_b


def test_shipping_twice_is_a_message_not_an_error(client, staff_a, shared_order, variant_a):
    client.force_login(staff_a)
    run_action(client, "ship_lines", shared_order)

    response = run_action(client, "ship_lines", shared_order)

    assert response.status_code == 302
    assert (
        "error",
        f"Order {shared_order.number}: There is nothing left to ship in this order.",
    ) in messages_of(response)
    assert stock_of(variant_a) == (8, 0)


def test_operator_ships_every_line(client, operator, shared_order, variant_a, variant_b):
    client.force_login(operator)

    run_action(client, "ship_lines", shared_order)

    assert status_of(shared_order) == S.SHIPPED
    assert (stock_of(variant_a), stock_of(variant_b)) == ((8, 0), (7, 0))


def test_ship_button_asks_first_then_ships(client, staff_a, shared_order, variant_a):
    client.force_login(staff_a)
    url = reverse("admin:orders_order_operation", args=[shared_order.pk, "ship"])

    page = client.get(url)
    unchanged = status_of(shared_order)
    response = client.post(url)

    assert page.status_code == 200
    assert "ALPHA-1" in page.content.decode()
    assert "BRAVO-1" not in page.content.decode()
    assert unchanged == S.PAID
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:orders_order_change", args=[shared_order.pk])
    assert status_of(shared_order) == S.PARTIALLY_SHIPPED


# --- Cancelling ---------------------------------------------------------------------------------


def test_merchant_cannot_cancel_a_shared_order(client, staff_a, shared_order, variant_a):
    client.force_login(staff_a)
    events = shared_order.events.count()

    response = run_action(
        client, "cancel_orders", shared_order, post="yes", reason="cancelled by Alpha"
    )

    assert (
        "error",
        f"Order {shared_order.number} also holds other merchants' items: only the shop operator "
        "can cancel it.",
    ) in messages_of(response)
    assert status_of(shared_order) == S.PAID
    assert shared_order.events.count() == events
    assert stock_of(variant_a) == (10, 2)
    assert Allocation.objects.filter(order_line__order=shared_order).count() == 2


def test_merchant_is_not_offered_cancel_on_a_shared_order(client, staff_a, shared_order):
    client.force_login(staff_a)

    response = client.get(reverse("admin:orders_order_change", args=[shared_order.pk]))

    labels = [operation["label"] for operation in response.context["order_operations"]]
    assert labels == ["Create shipments", "Ship my lines", "Cancel and refund my lines"]


def test_cancel_action_asks_for_a_reason_first(client, operator, shared_order):
    client.force_login(operator)

    response = run_action(client, "cancel_orders", shared_order)

    assert response.status_code == 200
    assert response.context["form"]["reason"].value() == "cancelled by operator"
    assert status_of(shared_order) == S.PAID


def test_operator_cancels_a_shared_order_releasing_its_allocations(
    client, operator, shared_order, variant_a, variant_b
):
    client.force_login(operator)

    response = run_action(
        client, "cancel_orders", shared_order, post="yes", reason="customer phoned"
    )

    assert response.status_code == 302
    assert status_of(shared_order) == S.CANCELLED
    assert (stock_of(variant_a), stock_of(variant_b)) == ((10, 0), (10, 0))
    assert not Allocation.objects.filter(order_line__order=shared_order).exists()
    event = shared_order.events.latest("id")
    assert (event.actor, event.note) == (operator, "customer phoned")


def test_merchant_cancels_an_order_of_only_their_lines_with_the_button(
    client, staff_a, method, variant_a
):
    order = place(method, (variant_a, 4))
    client.force_login(staff_a)
    url = reverse("admin:orders_order_operation", args=[order.pk, "cancel"])

    page = client.get(url)
    client.post(url, {"reason": page.context["form"]["reason"].value()})

    assert status_of(order) == S.CANCELLED
    assert stock_of(variant_a) == (10, 0)
    assert order.events.latest("id").note == "cancelled by Alpha"


def test_cancel_without_a_reason_is_asked_again(client, staff_a, method, variant_a):
    order = place(method, (variant_a, 1))
    client.force_login(staff_a)
    url = reverse("admin:orders_order_operation", args=[order.pk, "cancel"])

    response = client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert status_of(order) == S.PENDING_PAYMENT


# --- Delivered, completed, refund ---------------------------------------------------------------


def test_mark_delivered_on_a_pending_order_is_refused_with_a_message(
    client, staff_a, method, variant_a
):
    order = place(method, (variant_a, 1))
    client.force_login(staff_a)

    response = run_action(client, "mark_delivered", order)

    assert response.status_code == 302
    assert (
        "error",
        f"Order {order.number}: This order is Pending payment and cannot be changed to Delivered.",
    ) in messages_of(response)
    assert status_of(order) == S.PENDING_PAYMENT


def test_merchant_cannot_mark_a_shared_order_delivered(client, operator, staff_a, shared_order):
    services.order_ship(order=shared_order, actor=operator)
    client.force_login(staff_a)

    response = run_action(client, "mark_delivered", shared_order)

    assert "only the shop operator can mark it delivered" in messages_of(response)[0][1]
    assert status_of(shared_order) == S.SHIPPED


def test_merchant_marks_own_order_delivered_then_completed(client, staff_a, method, variant_a):
    order = place_paid(method, (variant_a, 1))
    client.force_login(staff_a)

    for action in ("ship_lines", "mark_delivered", "mark_completed"):
        run_action(client, action, order)

    assert status_of(order) == S.COMPLETED
    assert [e.actor for e in order.events.filter(actor__isnull=False)] == [staff_a] * 3


def test_merchant_declines_a_refund_request_on_own_order(client, staff_a, method, variant_a):
    customer = UserFactory()
    order = place_paid(method, (variant_a, 1), user=customer)
    services.order_ship(order=order, actor=staff_a)
    services.order_refund_request(order=order, actor=customer, reason="changed my mind")
    client.force_login(staff_a)

    run_action(client, "decline_refund", order, post="yes", reason="used item")

    assert status_of(order) == S.SHIPPED
    assert order.events.latest("id").note == "used item"


# --- Scope --------------------------------------------------------------------------------------


def test_crafted_action_post_with_another_merchants_order_changes_nothing(
    client, staff_a, method, variant_b
):
    order_b = place_paid(method, (variant_b, 2))
    client.force_login(staff_a)

    for action in ("ship_lines", "mark_delivered", "mark_completed"):
        run_action(client, action, order_b)
    run_action(client, "cancel_orders", order_b, post="yes", reason="hijack")

    assert status_of(order_b) == S.PAID
    assert stock_of(variant_b) == (10, 2)
    assert order_b.events.count() == 2  # placed, paid


def test_crafted_operation_post_on_another_merchants_order_is_not_found(
    client, staff_a, method, variant_b
):
    order_b = place_paid(method, (variant_b, 2))
    client.force_login(staff_a)

    response = client.post(reverse("admin:orders_order_operation", args=[order_b.pk, "ship"]))

    assert response.status_code == 404
    assert status_of(order_b) == S.PAID


def test_staff_of_no_merchant_cannot_act_on_orders(client, shared_order):
    client.force_login(UserFactory(is_staff=True))

    response = client.post(reverse("admin:orders_order_operation", args=[shared_order.pk, "ship"]))

    assert response.status_code == 403
    assert status_of(shared_order) == S.PAID


def test_awaiting_my_shipment_lists_orders_with_own_unshipped_lines(
    client, staff_a, staff_b, method, shared_order, variant_a, variant_b
):
    place_paid(method, (variant_b, 1))  # only Bravo's
    place(method, (variant_a, 1))  # not paid
    services.order_ship(order=shared_order, actor=staff_b, merchant_id=staff_b.merchant_id)
    shipped_a = place_paid(method, (variant_a, 1))
    services.order_ship(order=shipped_a, actor=staff_a)
    waiting_a = place_paid(method, (variant_a, 1))
    client.force_login(staff_a)

    response = client.get(reverse(CHANGELIST), {"awaiting_shipment": "yes"})

    assert set(response.context["cl"].result_list) == {shared_order, waiting_a}


# --- The order page -----------------------------------------------------------------------------


def test_order_page_shows_history_timeline_and_shipping_to_merchant_staff(
    client, staff_a, staff_b, shared_order
):
    services.order_ship(order=shared_order, actor=staff_b, merchant_id=staff_b.merchant_id)
    client.force_login(staff_a)

    response = client.get(reverse("admin:orders_order_change", args=[shared_order.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pay by" in html and "buyer@example.com" in html and "Standard" in html
    assert "(guest)" in html and "Account" not in html
    assert "Partially shipped" in html  # the timeline and the history
    history = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is OrderEvent
    )
    assert len(history.formset.forms) == 3  # placed, paid, Bravo shipped
    # Bravo's staff and its note (which names Bravo's items) stay Bravo's.
    assert "staff@bravo.example" not in html
    assert "BRAVO-1" not in html


def test_operator_sees_who_did_what(client, operator, staff_b, shared_order):
    services.order_ship(order=shared_order, actor=staff_b, merchant_id=staff_b.merchant_id)
    client.force_login(operator)

    response = client.get(reverse("admin:orders_order_change", args=[shared_order.pk]))

    html = response.content.decode()
    assert "staff@bravo.example" in html
    assert "Part of the order shipped: BRAVO-1" in html


def test_order_changelist_queries_do_not_grow_with_the_orders(client, staff_a, merchant_b, method):
    variant_a = in_stock(staff_a.merchant, "ALPHA-1", quantity=50)
    variant_b = in_stock(merchant_b, "BRAVO-1", quantity=50)
    client.force_login(staff_a)
    place_paid(method, (variant_a, 1), (variant_b, 1))
    client.get(reverse(CHANGELIST))  # session, permissions and content types warm

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    for _ in range(19):
        place_paid(method, (variant_a, 1), (variant_b, 1))
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse(CHANGELIST))

    assert response.context["cl"].result_count == 20
    assert len(twenty) == len(one)


# --- Stock: what its allocations are for --------------------------------------------------------


def test_stock_page_lists_the_orders_holding_its_units(client, staff_a, method, variant_a):
    order = place(method, (variant_a, 3))
    client.force_login(staff_a)

    response = client.get(
        reverse("admin:logistics_stock_change", args=[Stock.objects.get(variant=variant_a).pk])
    )

    html = response.content.decode()
    assert order.number in html
    assert "ALPHA-1" in html
    allocations = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is Allocation
    )
    assert len(allocations.formset.forms) == 1


def test_saving_stock_with_allocations_keeps_them(client, staff_a, method, variant_a):
    place(method, (variant_a, 3))
    client.force_login(staff_a)
    stock = Stock.objects.get(variant=variant_a)
    url = reverse("admin:logistics_stock_change", args=[stock.pk])

    response = client.post(url, admin_form_data(client.get(url), quantity=12))

    assert response.status_code == 302
    assert stock_of(variant_a) == (12, 3)
    assert Allocation.objects.filter(stock=stock).count() == 1


# --- Shipping methods ---------------------------------------------------------------------------


def test_merchant_staff_can_view_shipping_methods_but_not_change_them(client, staff_a, method):
    client.force_login(staff_a)
    url = reverse("admin:logistics_shippingmethod_change", args=[method.pk])

    changelist = client.get(reverse("admin:logistics_shippingmethod_changelist"))
    page = client.get(url)
    post = client.post(url, {"code": method.code, "name_en": "Mine", "price": "0.00"})
    inline_edit = client.post(
        reverse("admin:logistics_shippingmethod_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": method.pk,
            "form-0-position": "9",
            "_save": "Save",
        },
    )

    assert changelist.status_code == 200
    assert changelist.context["cl"].formset is None  # no list_editable inputs
    assert page.status_code == 200
    assert post.status_code == 403
    assert inline_edit.status_code == 403
    method.refresh_from_db()
    assert (method.name_en, method.position) == ("Standard", 0)


def test_superuser_edits_a_shipping_method_in_both_languages(client, operator, method):
    client.force_login(operator)
    url = reverse("admin:logistics_shippingmethod_change", args=[method.pk])
    data = admin_form_data(
        client.get(url),
        name_en="Express",
        name_zh_hans="特快专递",
        description_en="Next day",
        description_zh_hans="次日达",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.name_en, method.name_zh_hans) == ("Express", "特快专递")
    assert (method.description_en, method.description_zh_hans) == ("Next day", "次日达")


def test_superuser_reorders_shipping_methods_in_the_list(client, operator, method):
    client.force_login(operator)

    response = client.post(
        reverse("admin:logistics_shippingmethod_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": method.pk,
            "form-0-position": "5",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.position, method.is_active) == (5, False)  # an unticked box is "off"


def test_merchant_staff_group_may_see_order_history(staff_a):
    staff = User.objects.get(pk=staff_a.pk)

    assert staff.has_perm("orders.view_orderevent")
    assert not staff.has_perm("orders.change_order")
