"""Interactions are recorded from product views, search clicks, cart additions, purchases and
reviews, and an anonymous session's history joins the account at login."""

import pytest
from django.conf import settings
from django.urls import reverse

from catalog.models import Review
from recommendations.models import Interaction, InteractionKind
from recommendations.tasks import flush_interactions
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_product_view_is_recorded_after_the_response(client, make_product):
    product = make_product()
    shopper = UserFactory()
    client.force_login(shopper)

    client.get(product.get_absolute_url())
    client.get(product.get_absolute_url() + "?src=search")
    flush_interactions()  # views wait in Redis until then in services mode

    kinds = list(Interaction.objects.filter(user=shopper).values_list("kind", flat=True))
    assert sorted(kinds) == [InteractionKind.SEARCH_CLICK, InteractionKind.VIEW]


def test_a_cookie_less_visitor_is_not_recorded(client, make_product):
    product = make_product()

    client.get(product.get_absolute_url())
    # In services mode a recorded view would still be waiting in the Redis buffer: drain it.
    flush_interactions()

    assert not Interaction.objects.exists()


def test_the_anonymous_history_joins_the_account_at_login(client, make_product):
    product = make_product()
    shopper = UserFactory(email="ann@example.com")
    shopper.set_password("a-good-password-1")
    shopper.save()
    # A session exists once the cart has been used
    client.post(reverse("cart:add"), {"variant": product.variants.first().pk, "quantity": 1})
    client.get(product.get_absolute_url())
    flush_interactions()
    assert Interaction.objects.filter(user=None, kind=InteractionKind.VIEW).count() == 1

    client.post(
        reverse("accounts:login"), {"username": "ann@example.com", "password": "a-good-password-1"}
    )

    assert not Interaction.objects.filter(user=None).exists()
    assert Interaction.objects.filter(user=shopper, kind=InteractionKind.VIEW).count() == 1


def test_a_visitors_first_cart_addition_is_recorded_and_joins_the_account_at_login(
    client, make_product, django_capture_on_commit_callbacks
):
    product = make_product()
    shopper = UserFactory(email="bo@example.com")
    shopper.set_password("a-good-password-1")
    shopper.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cart:add"), {"variant": product.variants.first().pk, "quantity": 1})

    added = Interaction.objects.get(kind=InteractionKind.CART)
    assert added.user is None and added.product == product
    assert added.session_key == client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(
        reverse("accounts:login"), {"username": "bo@example.com", "password": "a-good-password-1"}
    )
    assert Interaction.objects.get(kind=InteractionKind.CART).user == shopper


def test_add_to_cart_is_recorded(client, make_product, django_capture_on_commit_callbacks):
    product = make_product()
    shopper = UserFactory()
    client.force_login(shopper)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cart:add"), {"variant": product.variants.first().pk, "quantity": 2})
    assert Interaction.objects.filter(
        user=shopper, product=product, kind=InteractionKind.CART
    ).exists()


def test_a_paid_order_records_its_products_as_purchased(django_capture_on_commit_callbacks):
    from orders.services import order_mark_paid
    from tests.orders.factories import place_order, variant_in_stock

    shopper = UserFactory()
    variant = variant_in_stock()
    order = place_order((variant, 3), user=shopper)
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor=None)
    row = Interaction.objects.get(kind=InteractionKind.PURCHASE)
    assert (row.user_id, row.product_id, row.value) == (shopper.pk, variant.product_id, 3)


def test_a_review_is_recorded_with_its_rating(make_product, django_capture_on_commit_callbacks):
    product = make_product()
    shopper = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        Review.objects.create(product=product, user=shopper, rating=4)
    row = Interaction.objects.get(kind=InteractionKind.REVIEW)
    assert (row.user_id, row.value) == (shopper.pk, 4)


def test_a_purchase_is_recorded_from_order_paid_not_from_an_order_event_row(
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from orders.models import Order, OrderEvent, OrderStatus
    from orders.signals import order_paid
    from tests.orders.factories import place_order, variant_in_stock

    shopper = UserFactory()
    variant = variant_in_stock()
    order = place_order((variant, 2), user=shopper)
    with django_capture_on_commit_callbacks(execute=True):
        OrderEvent.objects.create(
            order=order, created_at=timezone.now(), to_status=OrderStatus.PAID
        )
    assert not Interaction.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        order_paid.send(sender=Order, order_id=order.pk)

    row = Interaction.objects.get(kind=InteractionKind.PURCHASE)
    assert (row.user_id, row.product_id, row.value) == (shopper.pk, variant.product_id, 2)


def test_a_guest_order_paid_records_nothing(django_capture_on_commit_callbacks):
    from orders.models import Order
    from orders.signals import order_paid
    from tests.orders.factories import place_order, variant_in_stock

    order = place_order((variant_in_stock(), 1))
    with django_capture_on_commit_callbacks(execute=True):
        order_paid.send(sender=Order, order_id=order.pk)

    assert not Interaction.objects.exists()


def test_the_product_page_sends_product_viewed_with_what_it_knows(client, make_product):
    from catalog.signals import product_viewed

    product = make_product()
    variant = product.variants.first()
    shopper = UserFactory()
    client.force_login(shopper)
    sent = []

    def catch(sender, **kwargs):
        sent.append(kwargs)

    product_viewed.connect(catch)
    try:
        client.get(f"{product.get_absolute_url()}?variant={variant.pk}&src=search")
    finally:
        product_viewed.disconnect(catch)
    flush_interactions()

    assert len(sent) == 1
    assert {k: v for k, v in sent[0].items() if k != "signal"} == {
        "product_id": product.pk,
        "variant_id": variant.pk,
        "merchant_id": product.merchant_id,
        "user_id": shopper.pk,
        "session_key": "",
        "from_search": True,
        "channel": "web",
    }


def test_product_viewed_from_a_visitors_session_is_recorded(make_product, settings):
    from catalog.signals import product_viewed
    from recommendations.services.buffer import interactions_flush_pending

    product = make_product()
    product_viewed.send(
        sender=None, product_id=product.pk, variant_id=None, user_id=None, session_key="abc"
    )
    interactions_flush_pending()
    flush_interactions()

    row = Interaction.objects.get()
    assert (row.user_id, row.session_key, row.kind) == (None, "abc", InteractionKind.VIEW)
