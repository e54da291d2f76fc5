"""A signed-in shopper's cart count, kept in the cache (cart/storage.py): read without a query
while the saved cart does not change, and right after every kind of change."""

import uuid
from decimal import Decimal
from importlib import import_module

import pytest
from django.conf import settings

from cart import selectors, services
from cart.models import CartLine
from orders import services as orders_services
from tests.accounts.factories import UserFactory
from tests.orders.factories import ADDRESS, fill_cart, shipping_method

pytestmark = pytest.mark.django_db


def new_session():
    return import_module(settings.SESSION_ENGINE).SessionStore()


@pytest.fixture
def shopper():
    return UserFactory()


@pytest.fixture
def variants(make_product):
    """Two variants at ¥50.00 and ¥60.00, 10 of each in stock."""
    return list(
        make_product(prices=(Decimal("50.00"), Decimal("60.00")), stock=10).variants.order_by("pk")
    )


def count(user, session=None) -> int:
    return selectors.cart_count(user=user, session=session or new_session())


def kept_count(user, django_assert_num_queries) -> int:
    """The count as the header reads it, once from the database and then from the cache."""
    first = count(user)
    with django_assert_num_queries(0):
        assert count(user) == first
    return first


def test_the_count_is_read_once_then_kept(shopper, variants, django_assert_num_queries):
    fill_cart((variants[0], 2), (variants[1], 1), user=shopper)

    assert count(shopper) == 3
    with django_assert_num_queries(0):
        assert count(shopper) == 3


def test_the_count_is_kept_per_shopper(shopper, variants, django_assert_num_queries):
    fill_cart((variants[0], 2), user=shopper)
    other = UserFactory()
    fill_cart((variants[0], 5), user=other)

    assert kept_count(shopper, django_assert_num_queries) == 2
    assert kept_count(other, django_assert_num_queries) == 5


def test_adding_changes_the_kept_count(shopper, variants, django_assert_num_queries):
    fill_cart((variants[0], 2), user=shopper)
    kept_count(shopper, django_assert_num_queries)

    fill_cart((variants[0], 1), (variants[1], 4), user=shopper)

    assert count(shopper) == 7


def test_setting_a_quantity_changes_the_kept_count(shopper, variants, django_assert_num_queries):
    session = fill_cart((variants[0], 2), user=shopper)
    kept_count(shopper, django_assert_num_queries)

    services.cart_set_quantity(user=shopper, session=session, variant_id=variants[0].pk, quantity=6)

    assert count(shopper) == 6


def test_removing_changes_the_kept_count(shopper, variants, django_assert_num_queries):
    session = fill_cart((variants[0], 2), (variants[1], 1), user=shopper)
    kept_count(shopper, django_assert_num_queries)

    services.cart_remove(user=shopper, session=session, variant_id=variants[0].pk)

    assert count(shopper) == 1


def test_merging_at_sign_in_changes_the_kept_count(shopper, variants, django_assert_num_queries):
    fill_cart((variants[0], 2), user=shopper)
    kept_count(shopper, django_assert_num_queries)
    visitor = fill_cart((variants[0], 1), (variants[1], 3))  # a session's cart

    services.cart_merge_session_into_user(user=shopper, session=visitor)

    assert count(shopper) == 6


def test_placing_an_order_empties_the_kept_count(shopper, variants, django_assert_num_queries):
    session = fill_cart((variants[0], 2), user=shopper)
    kept_count(shopper, django_assert_num_queries)

    orders_services.order_place(
        user=shopper,
        session=session,
        email=shopper.email,
        address=ADDRESS,
        shipping_method_id=shipping_method().pk,
        checkout_key=uuid.uuid4().hex,
        language="en",
    )

    assert count(shopper) == 0


def test_deleting_a_variant_takes_its_lines_out_of_the_kept_count(
    shopper, variants, django_assert_num_queries
):
    fill_cart((variants[0], 2), (variants[1], 1), user=shopper)
    kept_count(shopper, django_assert_num_queries)

    variants[0].delete()

    assert count(shopper) == 1


def test_deleting_a_product_takes_its_lines_out_of_the_kept_count(
    shopper, variants, django_assert_num_queries
):
    fill_cart((variants[0], 2), user=shopper)
    kept_count(shopper, django_assert_num_queries)

    variants[0].product.delete()

    assert count(shopper) == 0


def test_a_change_another_request_commits_is_seen(
    shopper, variants, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A count read between a change and its commit (from the rows as they were) is not served
    after the commit."""
    session = fill_cart((variants[0], 2), user=shopper)
    with django_capture_on_commit_callbacks(execute=True):
        services.cart_add(user=shopper, session=session, variant_id=variants[1].pk, quantity=1)
        # Another request reads the rows as committed so far and keeps what it read.
        line = CartLine.objects.get(variant=variants[1])
        line.delete()
        assert count(shopper) == 2
        CartLine.objects.create(
            cart=line.cart, variant=line.variant, quantity=1, price_when_added=Decimal("60.00")
        )

    assert count(shopper) == 3


def test_with_no_time_to_keep_it_the_count_is_read_every_time(
    shopper, variants, settings, django_assert_num_queries
):
    settings.SIGNED_IN_CACHE_SECONDS = 0
    fill_cart((variants[0], 2), user=shopper)
    count(shopper)

    with django_assert_num_queries(1):
        assert count(shopper) == 2
