"""Accepting one plan twice at once (two staff, a double click) on PostgreSQL with real
threads: one purchase order, and receiving it twice at once puts the units in stock once."""

import pytest

from insights.services import replenishment as services
from logistics import services as logistics_services
from logistics.models import PurchaseOrder, PurchaseOrderStatus, StockMovement
from tests.insights.test_replenishment import _plan_that_orders
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_accepting_a_plan_twice_at_once_makes_one_purchase_order(merchant_a):
    plan, _variant = _plan_that_orders(merchant_a)

    results = run_together(4, lambda i: services.replenishment_plan_accept(plan=plan, actor=None))

    assert all(isinstance(result, tuple) for result in results), results
    assert sum(created for _orders, created in results) == 1
    assert PurchaseOrder.objects.count() == 1


def test_receiving_an_order_twice_at_once_counts_its_units_once(merchant_a):
    plan, variant = _plan_that_orders(merchant_a)
    (order,), _ = services.replenishment_plan_accept(plan=plan, actor=None)
    before = variant.stock.get().quantity

    results = run_together(
        3, lambda i: logistics_services.purchase_order_receive(order=order, actor=None)
    )

    refused = [r for r in results if isinstance(r, logistics_services.PurchaseOrderError)]
    assert len(refused) == 2, results
    assert variant.stock.get().quantity == before + plan.units
    assert StockMovement.objects.filter(reference=f"purchase-order:{order.number}").count() == 1
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.RECEIVED
