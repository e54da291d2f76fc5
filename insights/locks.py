"""Locks of the insights app. Outside the project's lock order (docs/architecture.md): a
transaction holding one locks nothing else."""

from __future__ import annotations

import zlib

from django.db import connection

# The first key of PostgreSQL's two-key advisory locks, naming "the segments of one scope".
_SEGMENTS_KEY = zlib.crc32(b"insights.segments") & 0x7FFFFFFF


def lock_segments_scope(merchant_id: int | None) -> None:
    """Held until the end of the transaction: one writer of a scope's profiles at a time (the
    nightly run and a "Recompute now" may overlap). SQLite serialises writers by itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SEGMENTS_KEY, merchant_id or 0])
