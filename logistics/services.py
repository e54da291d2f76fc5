"""Stock: allocation when an order is placed, release when it is cancelled, and deduction when it
ships. Callers hold a transaction; these functions take the row locks (locks.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from common.errors import DomainError

from . import locks
from .models import Allocation, Stock


class InsufficientStock(DomainError):
    """Some variants do not have the requested quantity available in any mix of warehouses."""

    def __init__(self, shortages: dict[int, int]):
        self.shortages = shortages  # variant id -> units available
        super().__init__(f"not enough stock for variants {sorted(shortages)}")


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock changes must run inside the caller's transaction")


def _save(rows: list[Stock], fields: list[str]) -> None:
    """One UPDATE for the locked rows. No per-row signals: the caller refreshes the products'
    in-stock flags and the storefront cache once, after commit."""
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    Stock.objects.bulk_update(rows, [*fields, "updated_at"])


@dataclass(frozen=True)
class LineRequest:
    line_id: int
    variant_id: int
    quantity: int


def available_by_variant(stock_rows: list[Stock]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for row in stock_rows:
        totals[row.variant_id] += row.available
    return dict(totals)


def stock_allocate(*, requests: list[LineRequest]) -> list[Allocation]:
    """Promise stock to order lines: lock the variants' stock rows (pk order), check that every
    line can be served, then take units from the warehouses with the most available first.
    All or nothing: raises InsufficientStock and changes nothing if any line falls short."""
    _require_transaction()
    rows = locks.lock_stock_for_variants(r.variant_id for r in requests)
    wanted: dict[int, int] = defaultdict(int)
    for r in requests:
        wanted[r.variant_id] += r.quantity
    available = available_by_variant(rows)
    shortages = {v: available.get(v, 0) for v, q in wanted.items() if available.get(v, 0) < q}
    if shortages:
        raise InsufficientStock(shortages)

    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for row in rows:
        by_variant[row.variant_id].append(row)
    allocations, touched = [], {}
    for r in sorted(requests, key=lambda r: (r.variant_id, r.line_id)):
        need = r.quantity
        for row in sorted(by_variant[r.variant_id], key=lambda s: (-s.available, s.pk)):
            if need == 0:
                break
            take = min(need, row.available)
            if take <= 0:
                continue
            row.allocated += take
            touched[row.pk] = row
            allocations.append(Allocation(order_line_id=r.line_id, stock=row, quantity=take))
            need -= take
    _save(list(touched.values()), ["allocated"])
    return Allocation.objects.bulk_create(allocations)


def stock_release(*, allocations: list[Allocation]) -> None:
    """Give back what these allocations promised (order cancelled) and delete them."""
    _require_transaction()
    rows = locks.lock_stock_rows(a.stock_id for a in allocations)
    for allocation in allocations:
        row = rows[allocation.stock_id]
        row.allocated = max(0, row.allocated - allocation.quantity)
    _save(list(rows.values()), ["allocated"])
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()


def stock_deduct_shipped(*, allocations: list[Allocation]) -> None:
    """The allocated units left the warehouse: lower both on-hand and allocated."""
    _require_transaction()
    rows = locks.lock_stock_rows(a.stock_id for a in allocations)
    for allocation in allocations:
        row = rows[allocation.stock_id]
        row.quantity -= allocation.quantity
        row.allocated -= allocation.quantity
    _save(list(rows.values()), ["quantity", "allocated"])
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()


@dataclass(frozen=True)
class ReturnedUnits:
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Restocked:
    variant_id: int
    stock_id: int
    quantity: int


def stock_release_and_restock(
    *, allocations: list[Allocation], returns: list[ReturnedUnits]
) -> list[Restocked]:
    """A refund: give back what `allocations` still promised (units that will never ship) and
    put returned units back on hand, each into the variant's first stock row (lowest pk).
    Every row involved is locked once, in pk order. Returns where each returned unit went;
    a variant that has no stock row any more is skipped (nothing to put it back into)."""
    _require_transaction()
    wanted = sorted({r.variant_id for r in returns if r.quantity > 0})
    first_row: dict[int, int] = {}
    for stock_id, variant_id in (
        Stock.objects.filter(variant_id__in=wanted).order_by("-pk").values_list("pk", "variant_id")
    ):
        first_row[variant_id] = stock_id  # the last seen is the lowest pk
    rows = locks.lock_stock_rows([*(a.stock_id for a in allocations), *first_row.values()])
    for allocation in allocations:
        row = rows[allocation.stock_id]
        row.allocated = max(0, row.allocated - allocation.quantity)
    restocked = []
    for item in returns:
        stock_id = first_row.get(item.variant_id)
        if stock_id is None or item.quantity <= 0:
            continue
        rows[stock_id].quantity += item.quantity
        restocked.append(Restocked(item.variant_id, stock_id, item.quantity))
    _save(list(rows.values()), ["quantity", "allocated"])
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
    return restocked


def variant_availability(variant_ids: list[int]) -> dict[int, int]:
    """Units available now (on hand minus allocated, all warehouses), without locking."""
    return available_by_variant(list(Stock.objects.filter(variant_id__in=variant_ids)))
