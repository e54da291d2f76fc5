from decimal import Decimal
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from cart import selectors, services
from cart.errors import CartError
from cart.models import CartLine
from cart.storage import SessionStorage, storage_for
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def new_session():
    return import_module(settings.SESSION_ENGINE).SessionStore()


@pytest.fixture
def session():
    return new_session()


@pytest.fixture
def variant(make_product):
    """One variant at ¥50.00 with 5 in stock."""
    return make_product(prices=(Decimal("50.00"),), stock=5).variants.get()


def quantities(user, session) -> dict[int, int]:
    return {pk: quantity for pk, (quantity, _price) in storage_for(user, session).lines().items()}


# --- Adding ------------------------------------------------------------------------------------
def test_adding_an_item_puts_it_in_the_session_cart_at_the_current_price(session, variant):
    total = services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=2)

    assert total == 2
    assert SessionStorage(session).lines() == {variant.pk: (2, Decimal("50.00"))}


def test_a_signed_in_shoppers_item_is_saved_in_the_database(session, variant):
    user = UserFactory()

    services.cart_add(user=user, session=session, variant_id=variant.pk, quantity=2)

    line = CartLine.objects.get(cart__user=user)
    assert (line.variant_id, line.quantity, line.price_when_added) == (variant.pk, 2, 50)
    assert SessionStorage(session).lines() == {}


def test_adding_the_same_item_twice_sums_the_quantities(session, variant):
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)

    total = services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=2)

    assert total == 3
    assert quantities(ANONYMOUS, session) == {variant.pk: 3}


def test_adding_more_than_is_in_stock_is_refused_and_changes_nothing(session, variant):
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=3)

    with pytest.raises(CartError, match="Only 5 of this item are left"):
        services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=3)

    assert quantities(ANONYMOUS, session) == {variant.pk: 3}


def test_an_out_of_stock_item_cannot_be_added(session, make_product):
    sold_out = make_product(stock=0).variants.get()

    with pytest.raises(CartError, match="out of stock"):
        services.cart_add(user=ANONYMOUS, session=session, variant_id=sold_out.pk, quantity=1)

    assert quantities(ANONYMOUS, session) == {}


def test_adding_more_than_the_line_limit_is_refused(session, make_product, settings):
    settings.CART_MAX_LINE_QUANTITY = 3
    plenty = make_product(stock=100).variants.get()
    services.cart_add(user=ANONYMOUS, session=session, variant_id=plenty.pk, quantity=2)

    with pytest.raises(CartError, match="at most 3 of one item"):
        services.cart_add(user=ANONYMOUS, session=session, variant_id=plenty.pk, quantity=2)

    assert quantities(ANONYMOUS, session) == {plenty.pk: 2}


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_one_is_refused(session, variant, quantity):
    with pytest.raises(CartError, match="at least 1"):
        services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=quantity)

    assert quantities(ANONYMOUS, session) == {}


def test_an_unknown_variant_is_refused(session, variant):
    with pytest.raises(CartError, match="no longer available"):
        services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk + 999, quantity=1)

    assert quantities(ANONYMOUS, session) == {}


@pytest.mark.parametrize("retired", ["variant", "product"])
def test_an_inactive_variant_or_product_is_refused(session, variant, retired):
    target = variant if retired == "variant" else variant.product
    target.is_active = False
    target.save()

    with pytest.raises(CartError, match="no longer available"):
        services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)

    assert quantities(ANONYMOUS, session) == {}


def test_a_later_add_keeps_the_price_the_item_was_first_added_at(session, variant):
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)
    variant.price = Decimal("60.00")
    variant.save()

    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)

    assert SessionStorage(session).lines() == {variant.pk: (2, Decimal("50.00"))}


# --- Changing and removing ---------------------------------------------------------------------
def test_setting_a_quantity_replaces_it(session, variant):
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)

    services.cart_set_quantity(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=4)

    assert quantities(ANONYMOUS, session) == {variant.pk: 4}


def test_setting_a_quantity_of_zero_removes_the_line(session, variant):
    user = UserFactory()
    services.cart_add(user=user, session=session, variant_id=variant.pk, quantity=2)

    result = services.cart_set_quantity(
        user=user, session=session, variant_id=variant.pk, quantity=0
    )

    assert result == 0
    assert not CartLine.objects.filter(cart__user=user).exists()


def test_setting_more_than_is_in_stock_is_refused_and_changes_nothing(session, variant):
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=2)

    with pytest.raises(CartError, match="Only 5"):
        services.cart_set_quantity(
            user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=6
        )

    assert quantities(ANONYMOUS, session) == {variant.pk: 2}


def test_setting_a_negative_quantity_is_refused(session, variant):
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=2)

    with pytest.raises(CartError, match="at least 1"):
        services.cart_set_quantity(
            user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=-1
        )

    assert quantities(ANONYMOUS, session) == {variant.pk: 2}


def test_setting_the_quantity_of_an_item_not_in_the_cart_is_refused(session, variant):
    with pytest.raises(CartError, match="not in your cart"):
        services.cart_set_quantity(
            user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1
        )


def test_removing_an_item_takes_it_out_of_the_cart(session, variant, make_product):
    other = make_product().variants.get()
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)
    services.cart_add(user=ANONYMOUS, session=session, variant_id=other.pk, quantity=1)

    services.cart_remove(user=ANONYMOUS, session=session, variant_id=variant.pk)

    assert quantities(ANONYMOUS, session) == {other.pk: 1}


def test_removing_an_item_not_in_the_cart_is_refused(session, variant):
    user = UserFactory()

    with pytest.raises(CartError, match="not in your cart"):
        services.cart_remove(user=user, session=session, variant_id=variant.pk)


# --- Merging at login --------------------------------------------------------------------------
def test_merging_sums_the_quantities(session, make_product):
    user = UserFactory()
    item = make_product(stock=10).variants.get()
    services.cart_add(user=user, session=new_session(), variant_id=item.pk, quantity=2)
    services.cart_add(user=ANONYMOUS, session=session, variant_id=item.pk, quantity=3)

    notes = services.cart_merge_session_into_user(user=user, session=session)

    assert notes == []
    assert quantities(user, session) == {item.pk: 5}


def test_merging_caps_the_sum_by_the_stock_with_a_note(session, variant):
    user = UserFactory()
    services.cart_add(user=user, session=new_session(), variant_id=variant.pk, quantity=3)
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=4)

    notes = services.cart_merge_session_into_user(user=user, session=session)

    assert quantities(user, session) == {variant.pk: 5}
    assert notes == [f"{variant.product.name}: quantity lowered to 5, what is in stock."]


def test_merging_drops_items_no_longer_sold(session, variant, make_product):
    user = UserFactory()
    kept = make_product().variants.get()
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)
    services.cart_add(user=ANONYMOUS, session=session, variant_id=kept.pk, quantity=1)
    variant.product.is_active = False
    variant.product.save()

    services.cart_merge_session_into_user(user=user, session=session)

    assert quantities(user, session) == {kept.pk: 1}


def test_merging_empties_the_session_cart(session, variant):
    user = UserFactory()
    services.cart_add(user=ANONYMOUS, session=session, variant_id=variant.pk, quantity=1)

    services.cart_merge_session_into_user(user=user, session=session)

    assert SessionStorage(session).lines() == {}
    assert quantities(user, session) == {variant.pk: 1}


# --- The saved cart ----------------------------------------------------------------------------
def test_the_saved_cart_is_the_same_from_any_session(variant):
    user = UserFactory()
    services.cart_add(user=user, session=new_session(), variant_id=variant.pk, quantity=2)

    elsewhere = selectors.cart_view(user=user, session=new_session())

    assert [(line.variant.pk, line.quantity) for line in elsewhere.lines] == [(variant.pk, 2)]
    assert selectors.cart_count(user=user, session=new_session()) == 2
