"""Row locks on stock, by primary key, after the order's and its lines' locks: the project's one
lock order is written in docs/architecture.md ("The lock order")."""

from collections.abc import Iterable

from .models import Shipment, Stock


def lock_stock_for_variants(variant_ids: Iterable[int]) -> list[Stock]:
    """Lock every stock row of these variants, in pk order; returns them."""
    # of=("self",): only stock rows, never rows of a joined table (a join on warehouses once made
    # every checkout queue behind every other and deadlocked some).
    return list(
        Stock.objects.select_for_update(of=("self",))
        .filter(variant_id__in=sorted(set(variant_ids)))
        .order_by("pk")
    )


def lock_stock_rows(stock_ids: Iterable[int]) -> dict[int, Stock]:
    """Lock these stock rows, in pk order; returns them by pk."""
    rows = Stock.objects.select_for_update().filter(pk__in=sorted(set(stock_ids))).order_by("pk")
    return {row.pk: row for row in rows}


def lock_stock_row(stock_id: int) -> Stock | None:
    """Lock one stock row; None if it is gone."""
    return lock_stock_rows([stock_id]).get(stock_id)


def lock_shipment(shipment_id: int) -> Shipment:
    """Lock one shipment (after its order and the order's lines, before stock rows)."""
    return Shipment.objects.select_for_update(of=("self",)).get(pk=shipment_id)


def lock_shipments(shipment_ids: Iterable[int]) -> list[Shipment]:
    """Lock these shipments, in pk order."""
    return list(
        Shipment.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(shipment_ids)))
        .order_by("pk")
    )


def lock_purchase_order(order_id: int):
    """Lock one purchase order (before the stock rows its receipt changes)."""
    from .models import PurchaseOrder

    return PurchaseOrder.objects.select_for_update(of=("self",)).get(pk=order_id)
