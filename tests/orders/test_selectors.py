"""Reads the order services decide by: the one "whole order belongs to one merchant" rule."""

import pytest

from orders import fulfilment, selectors, services
from orders.models import Order
from tests.accounts.factories import MerchantFactory
from tests.orders.factories import carrier, paid_order, place_order, variant_in_warehouses
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


def _alone_by_query(order, merchant_id: int) -> bool:
    return (
        Order.objects.filter(pk=order.pk)
        .filter(selectors.orders_merchants_alone_q(merchant_id=merchant_id))
        .exists()
    )


def test_the_rule_as_a_query_filter_says_what_the_rule_says():
    from tests.accounts.factories import StaffFactory

    order, first, second = shared_order()
    a, b = first.product.merchant_id, second.product.merchant_id
    assert not _alone_by_query(order, a) and not _alone_by_query(order, b)

    services.order_lines_cancel(
        order=order, actor=StaffFactory(merchant_id=a), merchant_id=a, reason="out of stock"
    )

    assert _alone_by_query(order, b) == selectors.order_is_merchants_alone(
        order=order, merchant_id=b
    )
    assert _alone_by_query(order, b)
    # The merchant that withdrew holds nothing in the order any more: not theirs at all.
    assert not _alone_by_query(order, a)


def test_orders_awaiting_shipment_are_paid_with_unshipped_lines_of_the_merchant():
    alpha, bravo = MerchantFactory(), MerchantFactory()
    paid = paid_order((variant_in_warehouses(merchant=alpha, north=5), 1))
    place_order((variant_in_warehouses(merchant=alpha, east=5), 1))  # not paid
    gone = paid_order((variant_in_warehouses(merchant=alpha, west=5), 1))
    [shipment] = fulfilment.order_shipments_create(order=gone, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF1"
    )

    assert list(selectors.orders_awaiting_shipment(merchant_id=alpha.pk)) == [paid]
    assert list(selectors.orders_awaiting_shipment(merchant_id=bravo.pk)) == []
    assert list(selectors.orders_awaiting_shipment()) == [paid]
