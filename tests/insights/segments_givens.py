"""Givens for the segments tests: orders with lines of several merchants, bought on given days.

The orders are written as rows (history, like seed_demo's), since the services that place and pay
orders always date them now; what these tests check is how segments read them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import Order, OrderLine, OrderStatus
from tests.catalog.factories import CategoryFactory, ProductFactory

TODAY = date(2026, 6, 30)


def bought(days_ago: int) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def product(merchant, *, category=None):
    return ProductFactory(merchant=merchant, category=category or CategoryFactory())


def order(user, days_ago: int, *lines, status: str = OrderStatus.PAID) -> Order:
    """An order of `user` paid `days_ago` days before TODAY; lines: (product, unit price,
    quantity[, cancelled])."""
    when = bought(days_ago)
    placed = Order.objects.create(
        user=user, email=user.email, status=status, created_at=when, paid_at=when
    )
    total = Decimal(0)
    for product_, price, quantity, *cancelled in lines:
        price = Decimal(price)
        OrderLine.objects.create(
            order=placed,
            merchant=product_.merchant,
            product=product_,
            product_name=str(product_),
            sku=f"SKU-{product_.pk}-{price}",
            unit_price=price,
            quantity=quantity,
            line_total=price * quantity,
            cancelled_at=when if cancelled and cancelled[0] else None,
        )
        total += price * quantity
    Order.objects.filter(pk=placed.pk).update(subtotal=total, total=total + Decimal("10.00"))
    return placed
