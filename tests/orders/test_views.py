"""Checkout (details, review, place) and the shopper's order pages, through the test client."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Address
from catalog.models import Product, ProductVariant
from logistics.models import ShippingMethod
from orders import services
from orders.models import Order, OrderEvent
from orders.models import OrderStatus as S
from orders.views import CHECKOUT_SESSION_KEY
from tests.accounts.factories import VALID_ADDRESS, AddressFactory, UserFactory
from tests.orders.factories import (
    allocated,
    fill_cart,
    place_order,
    shipping_method,
    variant_in_stock,
)

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {f"new-{field}": value for field, value in VALID_ADDRESS.items()}


# --- Givens -------------------------------------------------------------------------------------


@pytest.fixture
def standard() -> ShippingMethod:
    return shipping_method()  # ¥12, free from ¥199


@pytest.fixture
def express() -> ShippingMethod:
    return shipping_method(code="test-express", price="25.00", free_above=None)


@pytest.fixture
def shopper():
    return UserFactory(email="mei@example.com")


@pytest.fixture
def saved_address(shopper) -> Address:
    AddressFactory(user=shopper, recipient="旧地址", is_default=False)
    return AddressFactory(user=shopper, recipient="李梅", is_default=True)


@pytest.fixture
def signed_in(client, shopper):
    client.force_login(shopper)
    return client


def guest_cart(client, *items):
    """Fill the test client's anonymous session cart."""
    session = client.session
    fill_cart(*items, session=session)
    session.save()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def review_key(client) -> str:
    response = client.get(reverse("orders:checkout_review"))
    assert response.status_code == 200, response
    return response.context["checkout_key"]


def guest_details(method, **overrides) -> dict:
    return {"email": "guest@example.com", **NEW_ADDRESS, "shipping_method": method.pk, **overrides}


# --- Checkout, signed in ------------------------------------------------------------------------


def test_checkout_preselects_the_default_address_and_first_delivery_option(
    signed_in, shopper, saved_address, standard
):
    fill_cart((variant_in_stock(), 1), user=shopper)

    response = signed_in.get(reverse("orders:checkout"))

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'value="{saved_address.pk}"\s+checked', html)
    assert "旧地址" in html  # the other saved address is offered too
    assert 'name="email"' not in html  # a signed-in shopper's email is their account's


def test_signed_in_shopper_checks_out_with_a_saved_address(
    signed_in, shopper, saved_address, standard
):
    variant = variant_in_stock(price="40.00", quantity=5)
    fill_cart((variant, 2), user=shopper)

    # Step 1: a saved address and standard delivery
    response = signed_in.post(
        reverse("orders:checkout"), {"address": saved_address.pk, "shipping_method": standard.pk}
    )
    assert response.status_code == 302
    assert response.url == reverse("orders:checkout_review")

    # Step 2: the review shows the lines, the address and the totals
    review = signed_in.get(reverse("orders:checkout_review"))
    html = review.content.decode()
    assert variant.sku in html
    assert "李梅" in html
    assert "¥80.00" in html and "¥12.00" in html and "¥92.00" in html

    # Step 3: place it
    response = signed_in.post(
        reverse("orders:place"), {"checkout_key": review.context["checkout_key"]}
    )

    order = Order.objects.get(user=shopper)
    assert response.status_code == 302
    assert response.url == reverse("orders:detail", args=[order.number])
    assert any(order.number in m for m in messages_of(response))
    assert (order.email, order.recipient, order.total) == (
        "mei@example.com",
        "李梅",
        Decimal("92.00"),
    )
    assert order.shipping_method == standard
    assert allocated(variant) == 2
    page = signed_in.get(response.url)
    assert page.status_code == 200
    assert order.number in page.content.decode()


def test_a_new_address_can_be_saved_to_the_address_book(signed_in, shopper, standard):
    fill_cart((variant_in_stock(), 1), user=shopper)

    response = signed_in.post(
        reverse("orders:checkout"),
        {**NEW_ADDRESS, "save_address": "on", "shipping_method": standard.pk},
    )

    assert response.status_code == 302
    saved = Address.objects.get(user=shopper)
    assert (saved.recipient, saved.postal_code, saved.is_default) == ("王小明", "310012", True)
    assert signed_in.session[CHECKOUT_SESSION_KEY]["address_id"] == saved.pk


def test_a_new_address_is_not_saved_unless_asked(signed_in, shopper, saved_address, standard):
    fill_cart((variant_in_stock(), 1), user=shopper)

    response = signed_in.post(
        reverse("orders:checkout"),
        {"address": "new", **NEW_ADDRESS, "shipping_method": standard.pk},
    )

    assert response.status_code == 302
    assert Address.objects.filter(user=shopper).count() == 2
    assert signed_in.session[CHECKOUT_SESSION_KEY]["address"]["recipient"] == "王小明"


# --- Checkout as a guest ------------------------------------------------------------------------


def test_guest_checks_out_and_gets_an_email_with_a_working_link(
    client, standard, django_capture_on_commit_callbacks
):
    variant = variant_in_stock(price="30.00")
    guest_cart(client, (variant, 3))

    response = client.post(reverse("orders:checkout"), guest_details(standard))
    assert response.status_code == 302
    key = review_key(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:place"), {"checkout_key": key})

    order = Order.objects.get(email="guest@example.com")
    guest_url = reverse("orders:guest_detail", args=[order.number, order.guest_token])
    assert order.user is None
    assert response.status_code == 302
    assert response.url == guest_url
    assert client.get(guest_url).status_code == 200
    [email] = mail.outbox
    assert email.to == ["guest@example.com"]
    assert order.number in email.subject
    assert guest_url in email.body
    assert "¥102.00" in email.body  # 3 x ¥30 + ¥12 delivery


def test_guest_is_asked_for_an_email_address_and_offered_to_log_in(client, standard):
    guest_cart(client, (variant_in_stock(), 1))

    response = client.get(reverse("orders:checkout"))

    html = response.content.decode()
    assert 'name="email"' in html
    assert reverse("accounts:login") in html
    assert 'name="save_address"' not in html


def test_checkout_fields_bring_up_the_right_phone_keyboard_and_autofill(client, standard):
    guest_cart(client, (variant_in_stock(), 1))

    html = client.get(reverse("orders:checkout")).content.decode()

    def tag(name: str) -> str:
        return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)

    assert 'type="email"' in tag("email") and 'autocomplete="email"' in tag("email")
    phone = tag("new-phone")
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone and 'inputmode="tel"' in phone
    assert 'autocomplete="name"' in tag("new-recipient")
    assert 'autocomplete="address-line1"' in tag("new-street")
    postal = tag("new-postal_code")
    assert 'inputmode="numeric"' in postal and 'autocomplete="postal-code"' in postal


# --- Totals come from the server ----------------------------------------------------------------


def test_review_shows_items_shipping_discount_and_total_from_the_cart(client, express):
    # Two merchants' products: two parcels, each at the express rate.
    guest_cart(client, (variant_in_stock(price="20.00"), 2), (variant_in_stock(price="5.50"), 1))
    client.post(reverse("orders:checkout"), guest_details(express))

    response = client.get(reverse("orders:checkout_review"))

    totals = response.context["totals"]
    assert (totals.subtotal, totals.shipping, totals.discount, totals.total) == (
        Decimal("45.50"),
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("95.50"),
    )
    assert "¥95.50" in response.content.decode()


def test_prices_posted_by_the_browser_are_ignored(client, standard):
    guest_cart(client, (variant_in_stock(price="40.00"), 1))
    client.post(reverse("orders:checkout"), guest_details(standard))
    key = review_key(client)

    client.post(
        reverse("orders:place"),
        {"checkout_key": key, "total": "0.01", "price": "0.01", "shipping": "0", "subtotal": "1"},
    )

    order = Order.objects.get()
    assert (order.subtotal, order.shipping_total, order.total) == (
        Decimal("40.00"),
        Decimal("12.00"),
        Decimal("52.00"),
    )
    assert order.lines.get().unit_price == Decimal("40.00")


def test_a_price_change_after_review_is_charged_at_the_current_price(client, standard):
    variant = variant_in_stock(price="40.00")
    guest_cart(client, (variant, 1))
    client.post(reverse("orders:checkout"), guest_details(standard))
    key = review_key(client)
    ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("45.00"))

    client.post(reverse("orders:place"), {"checkout_key": key})

    assert Order.objects.get().total == Decimal("57.00")


def test_delivery_is_free_from_the_threshold(client, standard, express):
    guest_cart(client, (variant_in_stock(price="120.00"), 2))

    client.post(reverse("orders:checkout"), guest_details(standard))
    page = client.get(reverse("orders:checkout"))  # quoted for the address given
    review = client.get(reverse("orders:checkout_review"))
    client.post(reverse("orders:place"), {"checkout_key": review.context["checkout_key"]})

    options = {o.method: o.price for o in page.context["form"].options}
    assert options[standard] == Decimal("0.00")
    assert options[express] == Decimal("25.00")
    assert "Free" in page.content.decode()
    assert "Free" in review.content.decode()
    order = Order.objects.get()
    assert (order.shipping_total, order.total) == (Decimal("0.00"), Decimal("240.00"))


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"shipping_method": ""}, "shipping_method", "Please choose a delivery option."),
        ({"shipping_method": "999999"}, "shipping_method", "Please choose one of the delivery"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"new-phone": "12345"}, "phone", "Enter an 11-digit mobile number"),
        ({"new-postal_code": "31"}, "postal_code", "A postal code has 6 digits"),
        ({"new-province": "Atlantis"}, "province", "Atlantis is not a province of mainland"),
        ({"new-district": "朝阳区"}, "district", "朝阳区 is not a district of 浙江省杭州市."),
        ({"new-street": "  "}, "street", "This field is required."),
    ],
)
def test_invalid_details_are_shown_and_nothing_is_stored(client, standard, change, field, message):
    guest_cart(client, (variant_in_stock(), 1))

    response = client.post(reverse("orders:checkout"), guest_details(standard, **change))

    form = response.context["form"]
    errors = {**form.errors, **form.new_address.errors}
    assert response.status_code == 200
    assert field in errors
    assert message in response.content.decode()
    assert CHECKOUT_SESSION_KEY not in client.session


def test_an_inactive_delivery_option_cannot_be_chosen(client, standard, express):
    guest_cart(client, (variant_in_stock(), 1))
    ShippingMethod.objects.filter(pk=express.pk).update(is_active=False)

    response = client.post(reverse("orders:checkout"), guest_details(express))

    assert response.status_code == 200
    assert "shipping_method" in response.context["form"].errors


def test_a_saved_address_of_someone_else_cannot_be_chosen(
    signed_in, shopper, saved_address, standard
):
    fill_cart((variant_in_stock(), 1), user=shopper)
    strangers = AddressFactory(recipient="陌生人")

    response = signed_in.post(
        reverse("orders:checkout"), {"address": strangers.pk, "shipping_method": standard.pk}
    )

    assert response.status_code == 200
    assert "address" in response.context["form"].errors
    assert CHECKOUT_SESSION_KEY not in signed_in.session


@pytest.mark.parametrize(
    "url", ["orders:checkout", "orders:checkout_review"], ids=["details", "review"]
)
def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, url):
    response = client.get(reverse(url))

    assert response.status_code == 302
    assert response.url == reverse("cart:detail")
    assert "Your cart is empty." in messages_of(response)


def test_placing_after_the_cart_was_emptied_creates_no_order(client, standard):
    guest_cart(client, (variant_in_stock(), 1))
    client.post(reverse("orders:checkout"), guest_details(standard))
    key = review_key(client)
    session = client.session
    session.pop("cart")
    session.save()

    response = client.post(reverse("orders:place"), {"checkout_key": key})

    assert response.url == reverse("cart:detail")
    assert "Your cart is empty." in messages_of(response)
    assert not Order.objects.exists()


def test_a_cart_with_problems_goes_back_to_the_cart(client, standard):
    variant = variant_in_stock(quantity=5)
    guest_cart(client, (variant, 2))
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)

    response = client.get(reverse("orders:checkout"))

    assert response.url == reverse("cart:detail")
    assert any("need your attention" in m for m in messages_of(response))


def test_review_without_details_asks_for_them_first(client):
    guest_cart(client, (variant_in_stock(), 1))

    response = client.get(reverse("orders:checkout_review"))

    assert response.url == reverse("orders:checkout")


@pytest.mark.parametrize(
    "posted",
    [{}, {"checkout_key": ""}, {"checkout_key": "made-up"}, {"checkout_key": "密钥-ünïcode"}],
)
def test_placing_without_the_issued_key_is_refused(client, standard, posted):
    guest_cart(client, (variant_in_stock(), 1))
    client.post(reverse("orders:checkout"), guest_details(standard))
    review_key(client)

    response = client.post(reverse("orders:place"), posted)

    assert response.url == reverse("orders:checkout_review")
    assert any("out of date" in m for m in messages_of(response))
    assert not Order.objects.exists()


def test_a_key_from_an_older_review_page_is_refused(client, standard):
    guest_cart(client, (variant_in_stock(), 1))
    client.post(reverse("orders:checkout"), guest_details(standard))
    old_key = review_key(client)
    review_key(client)  # the page was opened again: a new key replaces the old one

    response = client.post(reverse("orders:place"), {"checkout_key": old_key})

    assert response.url == reverse("orders:checkout_review")
    assert not Order.objects.exists()


def test_placing_without_any_checkout_details_is_refused(client):
    guest_cart(client, (variant_in_stock(), 1))

    response = client.post(reverse("orders:place"), {"checkout_key": "anything"})

    assert response.status_code == 302
    assert not Order.objects.exists()


def test_stock_taken_by_another_shopper_before_placing_creates_no_order(client, standard):
    variant = variant_in_stock(quantity=2)
    guest_cart(client, (variant, 2))
    client.post(reverse("orders:checkout"), guest_details(standard))
    key = review_key(client)
    other = place_order((variant, 1), email="quicker@example.com")  # takes one of the two
    assert allocated(variant) == 1

    response = client.post(reverse("orders:place"), {"checkout_key": key})

    assert response.url == reverse("cart:detail")
    assert messages_of(response)  # says why
    assert list(Order.objects.all()) == [other]
    assert allocated(variant) == 1


def test_stock_gone_at_the_very_last_moment_gives_the_services_message(
    client, standard, monkeypatch
):
    variant = variant_in_stock(quantity=2)
    guest_cart(client, (variant, 2))
    client.post(reverse("orders:checkout"), guest_details(standard))
    key = review_key(client)

    # Another shopper's order takes the stock after the cart was read, just before allocation.
    real_allocate = services.stock.stock_allocate

    def allocate_after_someone_else(*, requests, actor, destination):
        from logistics.models import Stock

        Stock.objects.filter(variant=variant).update(allocated=1)
        return real_allocate(requests=requests, actor=actor, destination=destination)

    monkeypatch.setattr(services.stock, "stock_allocate", allocate_after_someone_else)
    response = client.post(reverse("orders:place"), {"checkout_key": key})

    assert response.url == reverse("cart:detail")
    assert any(
        "not enough stock left" in m and variant.product.name in m for m in messages_of(response)
    )
    assert not Order.objects.exists()


def test_the_same_order_form_submitted_twice_gives_one_order(client, standard):
    variant = variant_in_stock(quantity=5)
    guest_cart(client, (variant, 2))
    client.post(reverse("orders:checkout"), guest_details(standard))
    key = review_key(client)

    first = client.post(reverse("orders:place"), {"checkout_key": key})
    second = client.post(reverse("orders:place"), {"checkout_key": key})

    order = Order.objects.get()
    assert (
        first.url
        == second.url
        == reverse("orders:guest_detail", args=[order.number, order.guest_token])
    )
    assert allocated(variant) == 2


def test_the_order_is_placed_in_the_shoppers_language(client, standard):
    guest_cart(client, (variant_in_stock(), 1))
    client.post("/zh-hans/checkout/", guest_details(standard))
    key = client.get("/zh-hans/checkout/review/").context["checkout_key"]

    client.post("/zh-hans/checkout/place/", {"checkout_key": key})

    assert Order.objects.get().language == "zh-hans"


# --- Order history and order page ---------------------------------------------------------------


def test_order_list_shows_the_shoppers_own_orders(signed_in, shopper):
    mine = [place_order((variant_in_stock(price="10.00"), n), user=shopper) for n in (1, 2)]
    theirs = place_order((variant_in_stock(), 1), user=UserFactory())

    response = signed_in.get(reverse("orders:list"))

    html = response.content.decode()
    assert response.status_code == 200
    for order in mine:
        assert order.number in html
        assert order.get_absolute_url() in html
    assert theirs.number not in html
    assert "Pending payment" in html
    assert "¥32.00" in html  # 2 x ¥10 + ¥12


def test_order_list_queries_do_not_grow_with_the_number_of_orders(signed_in, shopper):
    place_order((variant_in_stock(), 1), user=shopper)
    signed_in.get(reverse("orders:list"))  # warm the header's cached parts
    with CaptureQueriesContext(connection) as one:
        signed_in.get(reverse("orders:list"))
    for _ in range(6):
        place_order((variant_in_stock(), 1), (variant_in_stock(), 2), user=shopper)
    signed_in.get(reverse("orders:list"))  # the cart count, changed by the orders, kept again

    with CaptureQueriesContext(connection) as seven:
        response = signed_in.get(reverse("orders:list"))

    assert len(response.context["orders"]) == 7
    assert len(seven) == len(one)


def test_an_empty_order_list_says_so(signed_in):
    response = signed_in.get(reverse("orders:list"))

    assert "You have not placed any orders yet." in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("orders:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url


def test_order_page_shows_lines_totals_address_timeline_and_payment_deadline(
    signed_in, shopper, standard
):
    variant = variant_in_stock(price="25.00", name="Teapot")
    order = place_order((variant, 2), user=shopper, method=standard)

    response = signed_in.get(order.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Teapot", variant.sku, "Red / M", "¥25.00", "¥50.00", "¥62.00", "王小明"):
        assert text in html
    assert standard.name in html
    assert "Pending payment" in html and "Order placed" in html  # the timeline
    assert "Pay by" in html
    assert "Pay with Alipay" in html
    assert reverse("payments:alipay_start", args=[order.number]) in html
    assert reverse("orders:cancel", args=[order.number]) in html
    assert reverse("orders:refund_request", args=[order.number]) not in html


def test_order_page_queries_do_not_grow_with_the_number_of_lines(signed_in, shopper):
    small = place_order((variant_in_stock(), 1), user=shopper)
    large = place_order(*[(variant_in_stock(), 1) for _ in range(10)], user=shopper)
    # Both past payment (a pending order's page also reads its payment attempts), the large one
    # with one more event.
    services.order_mark_paid(order=small, actor=None)
    services.order_mark_paid(order=large, actor=None)
    services.order_ship(order=large, actor=None)
    signed_in.get(small.get_absolute_url())  # warm the header's cached parts

    with CaptureQueriesContext(connection) as one_line:
        signed_in.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as ten_lines:
        response = signed_in.get(large.get_absolute_url())

    assert len(response.context["rows"]) == 10
    assert len(ten_lines) == len(one_line)


# --- Cancelling ---------------------------------------------------------------------------------


def test_cancelling_an_unpaid_order_releases_its_stock(signed_in, shopper):
    variant = variant_in_stock(quantity=5)
    order = place_order((variant, 3), user=shopper)

    response = signed_in.post(reverse("orders:cancel", args=[order.number]))

    order.refresh_from_db()
    assert response.url == order.get_absolute_url()
    assert order.status == S.CANCELLED
    assert allocated(variant) == 0
    assert not any("refunded" in m for m in messages_of(response))  # nothing was paid
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert "Cancelled" in page
    assert "Cancelled by the customer" in page
    assert reverse("orders:cancel", args=[order.number]) not in page


def test_cancelling_a_paid_order_releases_its_stock(signed_in, shopper):
    variant = variant_in_stock(quantity=5)
    order = services.order_mark_paid(order=place_order((variant, 2), user=shopper), actor=None)

    response = signed_in.post(reverse("orders:cancel", args=[order.number]))

    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert allocated(variant) == 0
    assert any("cancelled" in m and "being refunded" in m for m in messages_of(response))


def test_an_order_that_has_shipped_cannot_be_cancelled(signed_in, shopper):
    order = services.order_mark_paid(
        order=place_order((variant_in_stock(), 1), user=shopper), actor=None
    )
    services.order_ship(order=order, actor=None)

    response = signed_in.post(reverse("orders:cancel", args=[order.number]))

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == S.SHIPPED
    assert any("can no longer be cancelled" in m for m in messages_of(response))


def test_a_guest_cancels_through_their_link(client):
    variant = variant_in_stock(quantity=5)
    order = place_order((variant, 1))

    response = client.post(reverse("orders:guest_cancel", args=[order.number, order.guest_token]))

    order.refresh_from_db()
    assert response.url == reverse("orders:guest_detail", args=[order.number, order.guest_token])
    assert order.status == S.CANCELLED
    assert allocated(variant) == 0


# --- Refund request and reorder -----------------------------------------------------------------


def shipped_order(user) -> Order:
    order = services.order_mark_paid(
        order=place_order((variant_in_stock(), 1), user=user), actor=None
    )
    return services.order_ship(order=order, actor=None)


def test_a_refund_can_be_requested_once_shipped(signed_in, shopper):
    order = shipped_order(shopper)
    assert (
        reverse("orders:refund_request", args=[order.number])
        in signed_in.get(order.get_absolute_url()).content.decode()
    )

    response = signed_in.post(
        reverse("orders:refund_request", args=[order.number]), {"reason": "Arrived broken"}
    )

    order.refresh_from_db()
    assert response.url == order.get_absolute_url()
    assert order.status == S.REFUND_REQUESTED
    assert order.events.last().note == "Arrived broken"
    assert "Arrived broken" in signed_in.get(order.get_absolute_url()).content.decode()


def test_a_refund_request_needs_a_reason(signed_in, shopper):
    order = shipped_order(shopper)

    response = signed_in.post(reverse("orders:refund_request", args=[order.number]), {"reason": ""})

    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert "Please tell us why you would like a refund." in messages_of(response)


def test_a_refund_cannot_be_requested_before_shipping(signed_in, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)

    response = signed_in.post(
        reverse("orders:refund_request", args=[order.number]), {"reason": "Changed my mind"}
    )

    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert any("cancel it instead" in m for m in messages_of(response))


def test_reorder_puts_the_lines_back_in_the_cart_and_names_those_it_cannot(signed_in, shopper):
    still_there = variant_in_stock(quantity=10, name="Mug")
    discontinued = variant_in_stock(quantity=10, name="Old vase")
    sold_out = variant_in_stock(quantity=3, name="Rare bowl")
    order = place_order((still_there, 2), (discontinued, 1), (sold_out, 3), user=shopper)
    ProductVariant.objects.filter(pk=discontinued.pk).update(is_active=False)

    response = signed_in.post(reverse("orders:reorder", args=[order.number]))

    from cart.storage import storage_for

    lines = storage_for(shopper, signed_in.session).lines()
    assert response.url == reverse("cart:detail")
    assert {variant_id: q for variant_id, (q, _price) in lines.items()} == {still_there.pk: 2}
    [added, skipped] = messages_of(response)
    assert "2 items" in added
    assert "Old vase" in skipped and "Rare bowl" in skipped and "Mug" not in skipped


# --- Only your own orders -----------------------------------------------------------------------


@pytest.fixture
def someone_elses_order():
    return place_order((variant_in_stock(), 1), user=UserFactory())


def test_someone_elses_order_page_is_not_found(signed_in, someone_elses_order):
    response = signed_in.get(reverse("orders:detail", args=[someone_elses_order.number]))

    assert response.status_code == 404


@pytest.mark.parametrize("action", ["orders:cancel", "orders:reorder", "orders:refund_request"])
def test_someone_elses_order_cannot_be_changed(signed_in, someone_elses_order, action):
    response = signed_in.post(reverse(action, args=[someone_elses_order.number]), {"reason": "x"})

    someone_elses_order.refresh_from_db()
    assert response.status_code == 404
    assert someone_elses_order.status == S.PENDING_PAYMENT
    assert someone_elses_order.events.count() == 1


def test_a_guest_order_is_not_on_a_users_order_pages(signed_in):
    guest_order = place_order((variant_in_stock(), 1))

    response = signed_in.get(reverse("orders:detail", args=[guest_order.number]))

    assert response.status_code == 404


def test_anonymous_posts_to_order_actions_are_sent_to_log_in(client, someone_elses_order):
    response = client.post(reverse("orders:cancel", args=[someone_elses_order.number]))

    someone_elses_order.refresh_from_db()
    assert response.url.startswith(reverse("accounts:login"))
    assert someone_elses_order.status == S.PENDING_PAYMENT


def test_a_guest_page_needs_the_exact_token(client):
    order = place_order((variant_in_stock(), 1))
    another = place_order((variant_in_stock(), 1), email="other@example.com")
    user_order = place_order((variant_in_stock(), 1), user=UserFactory())

    def status(number, token):
        return client.get(reverse("orders:guest_detail", args=[number, token])).status_code

    assert status(order.number, order.guest_token) == 200
    last = order.guest_token[-1]
    assert status(order.number, order.guest_token[:-1] + ("y" if last == "x" else "x")) == 404
    assert status(order.number, another.guest_token) == 404
    assert status(another.number, order.guest_token) == 404
    assert status(user_order.number, order.guest_token) == 404
    assert status(user_order.number, "anything") == 404


def test_a_guest_order_cannot_be_cancelled_with_a_wrong_token(client):
    order = place_order((variant_in_stock(), 1))
    another = place_order((variant_in_stock(), 1), email="other@example.com")

    response = client.post(reverse("orders:guest_cancel", args=[order.number, another.guest_token]))

    order.refresh_from_db()
    assert response.status_code == 404
    assert order.status == S.PENDING_PAYMENT


@pytest.mark.parametrize("token", ["密钥", "tökén", "\u00a0"])
def test_a_guest_link_with_a_non_ascii_token_is_not_found(client, token):
    order = place_order((variant_in_stock(), 1))

    shown = client.get(reverse("orders:guest_detail", args=[order.number, token]))
    cancelled = client.post(reverse("orders:guest_cancel", args=[order.number, token]))

    order.refresh_from_db()
    assert (shown.status_code, cancelled.status_code) == (404, 404)
    assert order.status == S.PENDING_PAYMENT


def test_a_users_order_cannot_be_cancelled_through_a_guest_link(client, someone_elses_order):
    response = client.post(
        reverse("orders:guest_cancel", args=[someone_elses_order.number, "anything"])
    )

    assert response.status_code == 404
    assert not OrderEvent.objects.filter(order=someone_elses_order, to_status=S.CANCELLED)


# --- Navigation ---------------------------------------------------------------------------------


def test_the_header_account_menu_and_footer_link_to_my_orders(signed_in):
    html = signed_in.get(reverse("accounts:profile")).content.decode()

    assert html.count(f'href="{reverse("orders:list")}"') == 3
    assert "My orders" in html


# --- The order page in the page's language ------------------------------------------------------


def timeline_of(html: str) -> list[str]:
    return re.findall(r'<span class="timeline-text">(.*?)</span>', html)


def test_an_order_placed_in_english_reads_in_chinese_on_the_chinese_page(
    signed_in, shopper, standard
):
    # Given an order placed in English, paid through the gateway and shipped
    ShippingMethod.objects.filter(pk=standard.pk).update(name_zh_hans="标准快递")
    variant = variant_in_stock(name="Linen apron")
    Product.objects.filter(pk=variant.product_id).update(name_zh_hans="亚麻围裙")
    order = place_order((variant, 1), user=shopper, method=standard, language="en")
    services.order_mark_paid(order=order, actor=None, gateway="alipay", trade_no="2026120322")
    services.order_ship(order=order, actor=None)

    # When the shopper opens it on the Chinese site
    html = signed_in.get(f"/zh-hans{order.get_absolute_url()}").content.decode()

    # Then the product and the delivery option have their Chinese names
    assert "亚麻围裙" in html and "Linen apron" not in html
    assert "标准快递" in html and standard.name_en not in html
    # And the timeline is told in Chinese, from each event's type, with no stored note
    assert timeline_of(html) == [
        "订单已提交",
        "已通过支付宝付款（交易号 2026120322）",  # noqa: RUF001 -- Chinese punctuation
        f"已发货：{variant.sku}",  # noqa: RUF001
    ]
    assert "timeline-note" not in html
    assert "alipay 2026120322" not in html


def test_the_english_page_tells_the_same_timeline_in_english(signed_in, shopper, standard):
    order = place_order((variant_in_stock(), 1), user=shopper, method=standard, language="zh-hans")
    services.order_mark_paid(order=order, actor=None, gateway="alipay", trade_no="2026120322")

    html = signed_in.get(order.get_absolute_url()).content.decode()

    assert timeline_of(html) == ["Order placed", "Paid with Alipay (transaction 2026120322)"]


def test_a_line_whose_product_is_gone_shows_the_name_it_was_bought_under(signed_in, shopper):
    variant = variant_in_stock(name="Linen apron")
    order = place_order((variant, 1), user=shopper)
    order.lines.update(product=None, variant=None)  # the product was deleted since

    html = signed_in.get(f"/zh-hans{order.get_absolute_url()}").content.decode()

    assert "Linen apron" in html


def test_a_delivery_option_that_is_gone_shows_the_name_it_was_chosen_under(
    signed_in, shopper, standard
):
    order = place_order((variant_in_stock(), 1), user=shopper, method=standard)
    Order.objects.filter(pk=order.pk).update(shipping_method=None)

    html = signed_in.get(f"/zh-hans{order.get_absolute_url()}").content.decode()

    assert standard.name_en in html


def test_the_timeline_shows_the_shoppers_own_words_but_never_a_staff_note(signed_in, shopper):
    # Given an order delivered with a staff note, then a refund asked for by the shopper
    staff = UserFactory(is_staff=True)
    order = place_order((variant_in_stock(), 1), user=shopper)
    services.order_mark_paid(order=order, actor=None)
    services.order_ship(order=order, actor=staff)
    services.order_mark_delivered(order=order, actor=staff, note="left with the neighbour 302")
    services.order_refund_request(order=order, actor=shopper, reason="Arrived broken")

    # When the shopper opens the order
    html = signed_in.get(order.get_absolute_url()).content.decode()

    # Then their own reason is there, the staff note is not
    assert "Arrived broken" in html
    assert "neighbour 302" not in html
    assert timeline_of(html)[-2:] == ["Delivered", "Refund requested"]


def test_a_refund_reads_with_its_amount_on_the_chinese_page(signed_in, shopper, standard):
    order = place_order((variant_in_stock(price="50.00"), 1), user=shopper, method=standard)
    services.order_mark_paid(order=order, actor=None)
    services.order_mark_refunded(
        order=order, actor=None, full=True, returns=[], amount=Decimal("62.00")
    )

    html = signed_in.get(f"/zh-hans{order.get_absolute_url()}").content.decode()

    assert timeline_of(html)[-1] == "已全额退款：¥62.00"  # noqa: RUF001 -- Chinese punctuation
