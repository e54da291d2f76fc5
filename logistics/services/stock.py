"""Stock, and the only code that writes it: units received, counted (adjusted), moved between
warehouses, allocated when an order is placed, released when it is cancelled, deducted when it
ships and put back when they are returned. Every change writes one StockMovement per stock row
it touches, and refreshes the products' in-stock flags (catalog) once the change is committed.

The allocation functions run inside the caller's transaction (orders, which has locked the order
and its lines first); the others own theirs. Row locks: locks.py, in the project's lock order
(docs/architecture.md ("The lock order"))."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductVariant
from catalog.services import product_availability_refresh
from common.errors import DomainError

from .. import locks, quoting, selectors
from ..models import Allocation, Stock, StockMovement, Warehouse
from ..models import StockMovementKind as K
from .low_stock import low_stock_flag

if TYPE_CHECKING:
    from accounts.models import User


class StockError(DomainError):
    """A stock change that cannot be made; the message is shown to the person as it is."""


class InsufficientStock(StockError):
    """Some variants do not have the requested quantity available in any mix of warehouses."""

    def __init__(self, shortages: dict[int, int]):
        self.shortages = shortages  # variant id -> units available
        super().__init__(f"not enough stock for variants {sorted(shortages)}")


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock changes must run inside the caller's transaction")


def _save(rows: Iterable[Stock], fields: list[str]) -> None:
    """One UPDATE for the locked rows. No per-row signals: the products' in-stock flags and the
    storefront cache are refreshed once, after commit (_after_commit_refresh)."""
    rows = list(rows)
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    Stock.objects.bulk_update(rows, [*fields, "updated_at"])


@dataclass(frozen=True)
class Move:
    """One movement to record: `stock` changed by these deltas."""

    stock: Stock
    kind: K
    quantity_delta: int = 0
    allocated_delta: int = 0
    reference: str = ""


def _record(moves: list[Move], *, actor: User | None, reason: str = "") -> list[StockMovement]:
    """Write the movements (one INSERT), mark the rows they took to or above their low-stock
    threshold (low_stock.py: an alert once per crossing) and, after commit, refresh the in-stock
    flags of the products whose stock they changed."""
    moves = [m for m in moves if m.quantity_delta or m.allocated_delta]
    if not moves:
        return []
    variant_ids = {m.stock.variant_id for m in moves}
    skus = dict(ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", "sku"))
    now = timezone.now()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    created = StockMovement.objects.bulk_create(
        [
            StockMovement(
                created_at=now,
                stock=m.stock,
                warehouse_id=m.stock.warehouse_id,
                variant_id=m.stock.variant_id,
                sku=skus.get(m.stock.variant_id, ""),
                kind=m.kind,
                quantity_delta=m.quantity_delta,
                allocated_delta=m.allocated_delta,
                reason=reason[:200],
                reference=m.reference,
                actor=actor,
            )
            for m in moves
        ]
    )
    low_stock_flag(m.stock for m in moves)
    _after_commit_refresh(variant_ids)
    return created


def _after_commit_refresh(variant_ids: Iterable[int]) -> None:
    variant_ids = sorted(set(variant_ids))

    def refresh() -> None:
        product_ids = sorted(
            set(
                ProductVariant.objects.filter(pk__in=variant_ids).values_list(
                    "product_id", flat=True
                )
            )
        )
        if product_ids:
            product_availability_refresh(product_ids=product_ids)  # also bumps the cache version

    transaction.on_commit(refresh)


def _line_reference(line_id: int) -> str:
    return f"order-line:{line_id}"


def _below_allocated(allocated: int) -> StockError:
    return StockError(
        _("On hand cannot be less than the %(allocated)s units already allocated to orders.")
        % {"allocated": allocated}
    )


# --- Staff: receiving, counting, moving ---------------------------------------------------------


def _locked_row_for(*, warehouse: Warehouse, variant: ProductVariant) -> Stock:
    """The (locked) stock row of this variant in this warehouse, created empty if it is new."""
    Stock.objects.bulk_create(  # no post_save: this service refreshes the product itself
        [Stock(warehouse=warehouse, variant=variant)], ignore_conflicts=True
    )
    rows = locks.lock_stock_for_variants([variant.pk])
    return next(row for row in rows if row.warehouse_id == warehouse.pk)


@transaction.atomic
def stock_receive(
    *,
    warehouse: Warehouse,
    variant: ProductVariant,
    quantity: int,
    actor: User | None,
    reason: str = "",
    reference: str = "",
) -> Stock:
    """Units of `variant` arrived at `warehouse`: add them to what it holds, creating the stock
    row if the warehouse did not stock the variant yet (`quantity` 0 only creates the row)."""
    if quantity < 0:
        raise StockError(_("The number of units received cannot be negative."))
    row = _locked_row_for(warehouse=warehouse, variant=variant)
    row.quantity += quantity
    _save([row], ["quantity"])
    _record(
        [Move(row, K.RECEIVED, quantity_delta=quantity, reference=reference)],
        actor=actor,
        reason=reason,
    )
    return row


@transaction.atomic
def stock_adjust(*, stock: Stock, quantity: int, actor: User | None, reason: str) -> Stock:
    """Set what a stock row holds on hand to `quantity` (a count, a correction), never below the
    units allocated to orders (StockError). Writes the difference as an `adjusted` movement;
    the same count again changes nothing."""
    row = locks.lock_stock_row(stock.pk)
    if row is None:
        raise Stock.DoesNotExist(f"stock row {stock.pk} is gone")
    if quantity < row.allocated:
        raise _below_allocated(row.allocated)
    delta = quantity - row.quantity
    if delta:
        row.quantity = quantity
        _save([row], ["quantity"])
        _record([Move(row, K.ADJUSTED, quantity_delta=delta)], actor=actor, reason=reason)
    return row


@transaction.atomic
def stock_transfer(
    *, stock: Stock, to_warehouse: Warehouse, quantity: int, actor: User | None, reason: str = ""
) -> tuple[Stock, Stock]:
    """Move `quantity` available units of a stock row to another warehouse (its row of the same
    variant, created if new). Returns (from row, to row)."""
    if to_warehouse.pk == stock.warehouse_id or quantity <= 0:
        raise StockError(_("A transfer moves at least one unit to another warehouse."))
    Stock.objects.bulk_create(
        [Stock(warehouse=to_warehouse, variant_id=stock.variant_id)], ignore_conflicts=True
    )
    rows = locks.lock_stock_for_variants([stock.variant_id])  # both rows, in pk order
    source = next(row for row in rows if row.pk == stock.pk)
    target = next(row for row in rows if row.warehouse_id == to_warehouse.pk)
    if quantity > source.available:
        raise _below_allocated(source.allocated)
    source.quantity -= quantity
    target.quantity += quantity
    _save([source, target], ["quantity"])
    _record(
        [
            Move(source, K.TRANSFERRED, quantity_delta=-quantity, reference=f"stock:{target.pk}"),
            Move(target, K.TRANSFERRED, quantity_delta=quantity, reference=f"stock:{source.pk}"),
        ],
        actor=actor,
        reason=reason,
    )
    return source, target


@transaction.atomic
def stock_delete(*, stock: Stock, actor: User | None, reason: str = "") -> None:
    """Remove a stock row that holds nothing promised to orders; what it held on hand is
    recorded as adjusted away."""
    row = locks.lock_stock_row(stock.pk)
    if row is None:
        return
    if row.allocated:
        raise _below_allocated(row.allocated)
    _record([Move(row, K.ADJUSTED, quantity_delta=-row.quantity)], actor=actor, reason=reason)
    Stock.objects.filter(pk=row.pk).delete()


# --- Orders: allocation, release, shipping, returns ---------------------------------------------


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


def stock_allocate(
    *,
    requests: list[LineRequest],
    actor: User | None = None,
    destination: str | tuple[float, float] | None = None,
) -> list[Allocation]:
    """Promise stock to order lines: lock the variants' stock rows (pk order), check that every
    line can be served, then take the units as quoting.plan_shipments chooses for the
    `destination` (a district code, or coordinates; None: distance unknown): the nearest
    warehouse that holds the whole order, else the fewest shipments, then the nearest. The choice
    is written as the reason of the allocation movements. All or nothing: raises
    InsufficientStock and changes nothing if any line falls short."""
    _require_transaction()
    rows = locks.lock_stock_for_variants(r.variant_id for r in requests)
    wanted: dict[int, int] = defaultdict(int)
    for r in requests:
        wanted[r.variant_id] += r.quantity
    available = available_by_variant(rows)
    shortages = {v: available.get(v, 0) for v, q in wanted.items() if available.get(v, 0) < q}
    if shortages:
        raise InsufficientStock(shortages)
    if isinstance(destination, str):
        destination = selectors.destination_point(destination)
    _, stock = selectors.warehouse_stock(variant_ids=wanted, destination=destination, rows=rows)
    plan = quoting.plan_shipments(wanted, stock)
    if plan is None:  # the stock is there, but in warehouses no longer active
        raise InsufficientStock({v: 0 for v in wanted})

    row_at = {(row.warehouse_id, row.variant_id): row for row in rows}
    # What the plan takes of each variant, handed out to the variant's lines in line order.
    takes: dict[int, list[list]] = defaultdict(list)
    for take in plan.takes:
        takes[take.variant_id].append([row_at[take.warehouse_id, take.variant_id], take.quantity])
    allocations, touched, moves = [], {}, []
    for r in sorted(requests, key=lambda r: (r.variant_id, r.line_id)):
        need = r.quantity
        for portion in takes[r.variant_id]:
            row, left = portion
            take = min(need, left)
            if take <= 0:
                continue
            portion[1] -= take
            row.allocated += take
            touched[row.pk] = row
            allocations.append(Allocation(order_line_id=r.line_id, stock=row, quantity=take))
            moves.append(
                Move(row, K.ALLOCATED, allocated_delta=take, reference=_line_reference(r.line_id))
            )
            need -= take
            if need == 0:
                break
    _save(touched.values(), ["allocated"])
    _record(moves, actor=actor, reason=plan.reason)
    return Allocation.objects.bulk_create(allocations)


def stock_release(*, allocations: list[Allocation], actor: User | None = None) -> None:
    """Give back what these allocations promised (order cancelled) and delete them."""
    _require_transaction()
    rows = locks.lock_stock_rows(a.stock_id for a in allocations)
    moves = []
    for allocation in allocations:
        row = rows[allocation.stock_id]
        given_back = min(row.allocated, allocation.quantity)
        row.allocated -= given_back
        moves.append(
            Move(
                row,
                K.RELEASED,
                allocated_delta=-given_back,
                reference=_line_reference(allocation.order_line_id),
            )
        )
    _save(rows.values(), ["allocated"])
    _record(moves, actor=actor)
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()


def stock_deduct_shipped(*, allocations: list[Allocation], actor: User | None = None) -> None:
    """The allocated units left the warehouse: lower both on-hand and allocated."""
    _require_transaction()
    rows = locks.lock_stock_rows(a.stock_id for a in allocations)
    moves = []
    for allocation in allocations:
        row = rows[allocation.stock_id]
        row.quantity -= allocation.quantity
        row.allocated -= allocation.quantity
        moves.append(
            Move(
                row,
                K.SHIPPED,
                quantity_delta=-allocation.quantity,
                allocated_delta=-allocation.quantity,
                reference=_line_reference(allocation.order_line_id),
            )
        )
    _save(rows.values(), ["quantity", "allocated"])
    _record(moves, actor=actor)
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()


@dataclass(frozen=True)
class ReturnedUnits:
    variant_id: int
    quantity: int
    line_id: int | None = None  # the order line they were sold on, for the movement's reference


@dataclass(frozen=True)
class Restocked:
    variant_id: int
    stock_id: int
    quantity: int


def stock_release_and_restock(
    *,
    allocations: list[Allocation],
    returns: list[ReturnedUnits],
    actor: User | None = None,
    reason: str = "",
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
    moves = []
    for allocation in allocations:
        row = rows[allocation.stock_id]
        given_back = min(row.allocated, allocation.quantity)
        row.allocated -= given_back
        moves.append(
            Move(
                row,
                K.RELEASED,
                allocated_delta=-given_back,
                reference=_line_reference(allocation.order_line_id),
            )
        )
    restocked = []
    for item in returns:
        stock_id = first_row.get(item.variant_id)
        if stock_id is None or item.quantity <= 0:
            continue
        rows[stock_id].quantity += item.quantity
        restocked.append(Restocked(item.variant_id, stock_id, item.quantity))
        reference = _line_reference(item.line_id) if item.line_id is not None else ""
        moves.append(
            Move(rows[stock_id], K.RETURNED, quantity_delta=item.quantity, reference=reference)
        )
    _save(rows.values(), ["quantity", "allocated"])
    _record(moves, actor=actor, reason=reason)
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
    return restocked


# --- Shipments: where promised units ship from, and the units that left ------------------------


@dataclass(frozen=True)
class ShippedUnits:
    """Units of one order line leaving the warehouse of one stock row in one shipment."""

    line_id: int
    stock_id: int
    quantity: int


def stock_ship_units(
    *, units: list[ShippedUnits], actor: User | None = None, reference: str = ""
) -> int:
    """A shipment left: for each line, lower on-hand and allocated of its stock row by the units
    that line's allocation there promised (never more), and shrink or delete the allocation.
    Units that were never allocated (orders placed before allocation existed) change no stock.
    Every row involved is locked once, in pk order. Returns the units deducted."""
    _require_transaction()
    units = [u for u in units if u.quantity > 0]
    line_ids = sorted({u.line_id for u in units})
    allocations = {
        (a.order_line_id, a.stock_id): a
        for a in Allocation.objects.filter(order_line_id__in=line_ids).order_by("pk")
    }
    rows = locks.lock_stock_rows(
        u.stock_id for u in units if (u.line_id, u.stock_id) in allocations
    )
    moves, deducted, emptied, shrunk = [], 0, [], []
    for item in units:
        allocation = allocations.get((item.line_id, item.stock_id))
        row = rows.get(item.stock_id)
        if allocation is None or row is None:
            continue
        take = min(item.quantity, allocation.quantity, row.allocated, row.quantity)
        if take <= 0:
            continue
        row.quantity -= take
        row.allocated -= take
        allocation.quantity -= take
        (shrunk if allocation.quantity else emptied).append(allocation)
        deducted += take
        moves.append(
            Move(
                row,
                K.SHIPPED,
                quantity_delta=-take,
                allocated_delta=-take,
                reference=reference or _line_reference(item.line_id),
            )
        )
    _save(rows.values(), ["quantity", "allocated"])
    _record(moves, actor=actor)
    if shrunk:
        Allocation.objects.bulk_update(shrunk, ["quantity"])
    Allocation.objects.filter(pk__in=[a.pk for a in emptied]).delete()
    return deducted


def stock_reallocate(
    *,
    line_id: int,
    stock: Stock,
    to_warehouse: Warehouse,
    quantity: int,
    actor: User | None = None,
    reason: str = "",
) -> Stock:
    """Promise `quantity` units of an order line from `to_warehouse` instead of the stock row
    `stock` (a merchant ships from elsewhere): the old row's allocation shrinks (a `released`
    movement), the new warehouse's row of the same variant takes them (an `allocated` one),
    both with `reason`. Refuses (StockError) when that warehouse does not have the units
    available or the line holds fewer there. Both rows are locked in pk order. Returns the new
    row."""
    _require_transaction()
    if to_warehouse.pk == stock.warehouse_id:
        return stock
    if quantity <= 0:
        raise StockError(_("Move at least one unit."))
    rows = locks.lock_stock_for_variants([stock.variant_id])
    source = next((row for row in rows if row.pk == stock.pk), None)
    target = next((row for row in rows if row.warehouse_id == to_warehouse.pk), None)
    allocation = Allocation.objects.filter(order_line_id=line_id, stock_id=stock.pk).first()
    if source is None or allocation is None or allocation.quantity < quantity:
        raise StockError(_("These units are no longer allocated in the old warehouse."))
    available = target.available if target is not None else 0
    if available < quantity:
        raise StockError(
            _("%(warehouse)s has only %(available)s of %(sku)s available, %(wanted)s needed.")
            % {
                "warehouse": to_warehouse.name,
                "available": available,
                "sku": ProductVariant.objects.filter(pk=stock.variant_id)
                .values_list("sku", flat=True)
                .first(),
                "wanted": quantity,
            }
        )
    source.allocated -= quantity
    target.allocated += quantity
    _save([source, target], ["allocated"])
    reference = _line_reference(line_id)
    _record(
        [
            Move(source, K.RELEASED, allocated_delta=-quantity, reference=reference),
            Move(target, K.ALLOCATED, allocated_delta=quantity, reference=reference),
        ],
        actor=actor,
        reason=reason,
    )
    if allocation.quantity == quantity:
        allocation.delete()
    else:
        allocation.quantity -= quantity
        allocation.save(update_fields=["quantity"])
    moved, created = Allocation.objects.get_or_create(
        order_line_id=line_id, stock=target, defaults={"quantity": quantity}
    )
    if not created:
        moved.quantity += quantity
        moved.save(update_fields=["quantity"])
    return target
