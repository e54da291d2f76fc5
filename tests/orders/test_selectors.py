"""Reads the order services decide by: the one "whole order belongs to one merchant" rule."""

import pytest

from orders import selectors, services
from tests.orders.test_services import shared_order

pytestmark = pytest.mark.django_db


def test_a_shared_order_belongs_to_no_single_merchant():
    order, first, second = shared_order()
    a, b = first.product.merchant_id, second.product.merchant_id

    assert selectors.order_merchant_ids(order=order) == {a, b}
    assert selectors.order_single_merchant_id(order=order) is None
    assert not selectors.order_is_merchants_alone(order=order, merchant_id=a)


def test_once_a_merchant_cancels_its_lines_the_order_is_the_others_alone():
    from tests.accounts.factories import StaffFactory

    order, first, second = shared_order()
    a, b = first.product.merchant_id, second.product.merchant_id

    services.order_lines_cancel(
        order=order, actor=StaffFactory(merchant_id=a), merchant_id=a, reason="out of stock"
    )

    assert selectors.order_merchant_ids(order=order) == {b}
    assert selectors.order_single_merchant_id(order=order) == b
    assert selectors.order_is_merchants_alone(order=order, merchant_id=b)
    assert not selectors.order_is_merchants_alone(order=order, merchant_id=a)
