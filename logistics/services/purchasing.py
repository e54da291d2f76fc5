"""Purchase orders, and the only code that writes them: made (from a replenishment plan or by
hand) with their expected receipts, ordered from the supplier, received into stock (through
stock_receive, one `received` movement per line) or cancelled. Every move is checked against
transitions.PURCHASE_ORDER_ALLOWED and written as a PurchaseOrderEvent (who, when, from, to).
Lock order: the purchase order, then the stock rows of its variants, in pk order."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductVariant
from common.errors import DomainError

from .. import locks
from ..models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderEventType,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Stock,
    Warehouse,
)
from ..transitions import PURCHASE_ORDER_ALLOWED
from .stock import stock_receive

if TYPE_CHECKING:
    from accounts.models import Merchant, User

CENT = Decimal("0.01")

_EVENT_OF = {
    PurchaseOrderStatus.ORDERED: PurchaseOrderEventType.ORDERED,
    PurchaseOrderStatus.RECEIVED: PurchaseOrderEventType.RECEIVED,
    PurchaseOrderStatus.CANCELLED: PurchaseOrderEventType.CANCELLED,
}


class PurchaseOrderError(DomainError):
    """A purchase order that cannot be made or moved; the message says why."""


@dataclass(frozen=True)
class PurchaseLine:
    variant_id: int
    quantity: int
    unit_cost: Decimal
    expected_on: dt.date


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(order: PurchaseOrder, *, kind, before: str, after: str, actor, params=None) -> None:
    PurchaseOrderEvent.objects.create(
        order=order,
        created_at=timezone.now(),
        actor=_actor(actor),
        from_status=before,
        to_status=after,
        type=kind,
        params=params or {},
    )


@transaction.atomic
def purchase_order_create(
    *,
    merchant: Merchant,
    warehouse: Warehouse,
    lines: list[PurchaseLine],
    actor: User | None,
    reference: str | None = None,
    status: str = PurchaseOrderStatus.DRAFT,
) -> tuple[PurchaseOrder, bool]:
    """A purchase order of `merchant`'s variants for `warehouse`, with one expected receipt per
    line, as a draft or already `ordered`. Idempotent on `reference`: when an order with it
    exists, that order is returned and nothing is written. Returns (order, created)."""
    if reference:
        existing = PurchaseOrder.objects.filter(reference=reference).first()
        if existing is not None:
            return existing, False
    if status not in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.ORDERED):
        raise PurchaseOrderError(_("A new purchase order is a draft or ordered."))
    lines = [line for line in lines if line.quantity > 0]
    if not lines:
        raise PurchaseOrderError(_("A purchase order needs at least one unit to order."))
    variant_ids = {line.variant_id for line in lines}
    if len(variant_ids) != len(lines):
        raise PurchaseOrderError(_("Each variant appears once in a purchase order."))
    owners = dict(
        ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", "product__merchant_id")
    )
    if any(owners.get(v) != merchant.pk for v in variant_ids):
        raise PurchaseOrderError(_("A purchase order holds only its merchant's own variants."))
    if any(line.unit_cost < 0 for line in lines):
        raise PurchaseOrderError(_("A unit cost cannot be negative."))
    total = sum((line.unit_cost * line.quantity for line in lines), Decimal("0")).quantize(CENT)
    try:
        with transaction.atomic():
            order = PurchaseOrder.objects.create(
                number=f"PO{timezone.localdate():%y%m%d}{uuid.uuid4().hex[:6].upper()}",
                merchant=merchant,
                warehouse=warehouse,
                status=status,
                reference=reference or None,
                total_cost=total,
                created_by=_actor(actor),
            )
    except IntegrityError:
        # Another request accepted the same plan a moment ago: its order is the one.
        existing = PurchaseOrder.objects.filter(reference=reference).first() if reference else None
        if existing is None:
            raise
        return existing, False
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            order=order,
            variant_id=line.variant_id,
            quantity=line.quantity,
            unit_cost=line.unit_cost.quantize(CENT),
            expected_on=line.expected_on,
        )
        for line in sorted(lines, key=lambda line: line.variant_id)
    )
    _event(
        order,
        kind=PurchaseOrderEventType.CREATED,
        before="",
        after=status,
        actor=actor,
        params={"reference": reference or "", "lines": len(lines), "total": str(total)},
    )
    return order, True


def _move(order: PurchaseOrder, *, to: str, actor) -> PurchaseOrder:
    """Check and write one status move of a locked order, with its event."""
    if to not in PURCHASE_ORDER_ALLOWED[order.status]:
        raise PurchaseOrderError(
            _("Purchase order %(number)s is %(status)s and cannot become %(to)s.")
            % {
                "number": order.number,
                "status": order.get_status_display(),
                "to": PurchaseOrderStatus(to).label,
            }
        )
    before = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    _event(order, kind=_EVENT_OF[to], before=before, after=to, actor=actor)
    return order


@transaction.atomic
def purchase_order_place(*, order: PurchaseOrder, actor: User | None) -> PurchaseOrder:
    """A draft is sent to the supplier: its lines become expected receipts that are ordered."""
    return _move(locks.lock_purchase_order(order.pk), to=PurchaseOrderStatus.ORDERED, actor=actor)


@transaction.atomic
def purchase_order_cancel(*, order: PurchaseOrder, actor: User | None) -> PurchaseOrder:
    """Nothing of it will arrive: a draft or ordered purchase order is cancelled."""
    return _move(locks.lock_purchase_order(order.pk), to=PurchaseOrderStatus.CANCELLED, actor=actor)


@transaction.atomic
def purchase_order_receive(*, order: PurchaseOrder, actor: User | None) -> PurchaseOrder:
    """The ordered units arrived: each line is received into the warehouse's stock through
    stock_receive (a `received` movement referring to the order), and the order is received.
    Receiving twice is refused (the order is final), so stock is never counted twice."""
    order = locks.lock_purchase_order(order.pk)
    if PurchaseOrderStatus.RECEIVED not in PURCHASE_ORDER_ALLOWED[order.status]:
        return _move(order, to=PurchaseOrderStatus.RECEIVED, actor=actor)  # raises
    lines = list(order.lines.select_related("variant").order_by("variant_id"))
    variant_ids = [line.variant_id for line in lines]
    # The stock rows of every variant, created if new, then locked together in pk order (the
    # project's lock order) before the receipts lock them again one variant at a time.
    Stock.objects.bulk_create(
        [Stock(warehouse_id=order.warehouse_id, variant_id=v) for v in variant_ids],
        ignore_conflicts=True,
    )
    locks.lock_stock_for_variants(variant_ids)
    warehouse = order.warehouse
    for line in lines:
        stock_receive(
            warehouse=warehouse,
            variant=line.variant,
            quantity=line.quantity,
            actor=_actor(actor),
            reason=_("purchase order"),
            reference=f"purchase-order:{order.number}",
        )
        line.received_quantity = line.quantity
    PurchaseOrderLine.objects.bulk_update(lines, ["received_quantity"])
    return _move(order, to=PurchaseOrderStatus.RECEIVED, actor=actor)
