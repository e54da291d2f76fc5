"""The data migration that gives the events recorded before OrderEvent.type existed their type
and params, from their statuses and the English notes the services used to write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from orders.models import OrderEventType as T
from orders.models import OrderStatus as S
from tests.orders.factories import place_order, variant_in_stock

BEFORE = ("orders", "0005_orderevent_type_params")
AFTER = ("orders", "0006_orderevent_type_from_history")

# (from, to, note as the services wrote it) -> (type, params, note kept)
OLD_ROWS = [
    (("", S.PENDING_PAYMENT, "placed"), (T.PLACED, {}, "")),
    (
        (S.PENDING_PAYMENT, S.PAID, "alipay 2026120322001499"),
        (T.PAID, {"gateway": "alipay", "trade_no": "2026120322001499"}, ""),
    ),
    ((S.PENDING_PAYMENT, S.PAID, "payment received"), (T.PAID, {}, "")),
    (
        (S.PAID, S.PARTIALLY_SHIPPED, "shipped SKU-1, SKU-2"),
        (T.SHIPPED, {"skus": ["SKU-1", "SKU-2"], "partial": True}, ""),
    ),
    (
        (S.PARTIALLY_SHIPPED, S.SHIPPED, "shipped SKU-3"),
        (T.SHIPPED, {"skus": ["SKU-3"], "partial": False}, ""),
    ),
    ((S.PENDING_PAYMENT, S.CANCELLED, "not paid in time"), (T.EXPIRED, {}, "")),
    ((S.PAID, S.CANCELLED, "cancelled by the customer"), (T.CANCELLED, {"by": "customer"}, "")),
    ((S.PAID, S.CANCELLED, "cancelled by Alpha"), (T.CANCELLED, {}, "cancelled by Alpha")),
    ((S.UNDER_REVIEW, S.CANCELLED, "rejected after review: stolen"), (T.REJECTED, {}, "stolen")),
    ((S.PENDING_PAYMENT, S.UNDER_REVIEW, "held for review"), (T.UNDER_REVIEW, {}, "")),
    ((S.UNDER_REVIEW, S.PENDING_PAYMENT, "review approved"), (T.APPROVED, {}, "")),
    ((S.SHIPPED, S.DELIVERED, "delivered"), (T.DELIVERED, {}, "")),
    ((S.DELIVERED, S.COMPLETED, "completed"), (T.COMPLETED, {}, "")),
    ((S.DELIVERED, S.REFUND_REQUESTED, "Broken"), (T.REFUND_REQUESTED, {}, "Broken")),
    ((S.REFUND_REQUESTED, S.DELIVERED, "used item"), (T.REFUND_DECLINED, {}, "used item")),
    ((S.SHIPPED, S.REFUNDED, "refunded"), (T.REFUNDED, {}, "")),
    ((S.CANCELLED, S.CANCELLED, "refunded"), (T.REFUNDED, {}, "")),
    ((S.PAID, S.PAID, "customer phoned"), (T.NOTE, {}, "customer phoned")),
]  # fmt: skip


def migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def old_events(transactional_db):
    """Events as they were written before the migration (type still the column default)."""
    order = place_order((variant_in_stock(), 1))
    apps = migrate(BEFORE)
    OldEvent = apps.get_model("orders", "OrderEvent")
    OldEvent.objects.all().delete()
    now = timezone.now()
    ids = [
        OldEvent.objects.create(
            order_id=order.pk, created_at=now, from_status=f, to_status=t, note=note
        ).pk
        for (f, t, note), _expected in OLD_ROWS
    ]
    yield ids
    # Back to the latest state of every app for the tests that follow (going back to BEFORE
    # also unapplied the migrations of other apps that depend on later ones of orders).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_data_migration_gives_old_events_their_type_and_params(old_events):
    # Given events recorded with notes only
    # When the data migration runs
    apps = migrate(AFTER)

    # Then each has the type and params its note meant, and keeps only what a person wrote
    Event = apps.get_model("orders", "OrderEvent")
    got = [
        (e.type, e.params, e.note)
        for e in sorted(Event.objects.filter(pk__in=old_events), key=lambda e: e.pk)
    ]
    assert got == [expected for _row, expected in OLD_ROWS]


def test_the_data_migration_reversed_writes_the_notes_back(old_events):
    # Given the old events migrated
    migrate(AFTER)
    # When the migration is reversed
    apps = migrate(BEFORE)
    # Then every event has its note as the services wrote it
    Event = apps.get_model("orders", "OrderEvent")
    notes = [e.note for e in sorted(Event.objects.filter(pk__in=old_events), key=lambda e: e.pk)]
    expected = [note for (_f, _t, note), _expected in OLD_ROWS]
    assert notes == expected
