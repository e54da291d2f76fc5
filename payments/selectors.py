"""Reads of payments for the admin pages: which refunds a viewer may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.admin_scoping import sees_every_merchant
from orders.models import OrderLine

from .models import Refund


def refunds_visible_to(*, user, refunds: QuerySet[Refund] | None = None) -> QuerySet[Refund]:
    """The refunds a staff user may see and act on. The operator (a superuser): all of them.
    A merchant's staff: the refunds made for their merchant's lines, and the operator's
    whole-order refunds (no merchant) of orders whose lines are all theirs, since those
    concern nobody else. Another merchant's refunds on a shared order (their amounts,
    reasons and lines) stay with that merchant."""
    refunds = Refund.objects.all() if refunds is None else refunds
    if sees_every_merchant(user):
        return refunds
    merchant_id = getattr(user, "merchant_id", None)
    if merchant_id is None:
        return refunds.none()
    someone_elses = OrderLine.objects.filter(order_id=OuterRef("payment__order_id")).exclude(
        merchant_id=merchant_id
    )
    holds_mine = OrderLine.objects.filter(
        order_id=OuterRef("payment__order_id"), merchant_id=merchant_id
    )
    return refunds.filter(
        Q(merchant_id=merchant_id)
        | (Q(merchant__isnull=True) & Exists(holds_mine) & ~Exists(someone_elses))
    )
