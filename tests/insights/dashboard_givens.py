"""Hand-built orders, refunds and reviews for the dashboard's tests: rows written directly, so
each test states exactly the figures it expects."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from orders.models import Order, OrderChannel, OrderLine, OrderStatus
from payments.models import Payment, PaymentStatus, Refund, RefundLine, RefundStatus
from tests.catalog.factories import ProductFactory

_numbers = itertools.count(1)


def line(merchant, price: str, quantity: int = 1, *, product=None, cancelled=False, shipped=0):
    return {
        "merchant": merchant,
        "price": Decimal(price),
        "quantity": quantity,
        "product": product or ProductFactory(merchant=merchant),
        "cancelled": cancelled,
        "shipped": shipped,
    }


def order(
    *lines,
    at: datetime,
    status: str = OrderStatus.PAID,
    channel: str = OrderChannel.WEB,
    paid: bool = True,
    promised=None,
) -> Order:
    """An order placed at `at` holding `lines` (made with `line`)."""
    n = next(_numbers)
    made = Order.objects.create(
        email=f"buyer{n}@example.com",
        status=status,
        channel=channel,
        paid_at=at + timedelta(minutes=5) if paid else None,
        promised_date=promised,
    )
    total = Decimal("0.00")
    for spec in lines:
        value = spec["price"] * spec["quantity"]
        OrderLine.objects.create(
            order=made,
            merchant=spec["merchant"],
            product=spec["product"],
            product_name=spec["product"].name,
            sku=f"SKU-{n}-{spec['product'].pk}",
            unit_price=spec["price"],
            quantity=spec["quantity"],
            quantity_shipped=spec["shipped"],
            line_total=value,
            cancelled_at=at if spec["cancelled"] else None,
        )
        total += value
    Order.objects.filter(pk=made.pk).update(created_at=at, subtotal=total, total=total)
    made.refresh_from_db()
    return made


def refund(
    order: Order,
    amount: str,
    *,
    merchant=None,
    at: datetime,
    status: str = RefundStatus.SUCCEEDED,
    lines: list[tuple[OrderLine, int]] = (),
) -> Refund:
    """A refund of `order` (its merchant: whose staff made it; none: the operator's)."""
    n = next(_numbers)
    payment = order.payments.first() or Payment.objects.create(
        order=order,
        amount=order.total,
        out_trade_no=f"T{n:08d}",
        status=PaymentStatus.PAID,
        paid_at=order.paid_at,
    )
    made = Refund.objects.create(
        payment=payment,
        merchant=merchant,
        amount=Decimal(amount),
        reason="test",
        out_request_no=f"R{n:08d}",
        status=status,
        completed_at=at if status == RefundStatus.SUCCEEDED else None,
    )
    for order_line, quantity in lines:
        RefundLine.objects.create(refund=made, order_line=order_line, quantity=quantity)
    return made
