"""Fast writes and deletes for the demo generator.

`TableWriter` buffers plain tuples for one model and writes them in batches: with COPY on
PostgreSQL (an order of magnitude faster than INSERT for a million rows) and with executemany
INSERTs elsewhere (what bulk_create sends, without building a model instance per row). Rows carry
every column, ids included where the generator assigns them, so both paths store the same data.

`purge` deletes rows without loading them, after first clearing, through the ORM, any rows of
other apps that point at them.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

logger = logging.getLogger(__name__)

COPY_BATCH = 50_000
INSERT_BATCH = 5_000


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_converter(field: models.Field) -> Callable[[Any], str]:
    """Python value -> its text in COPY's text format."""
    if isinstance(field, models.BooleanField):
        return lambda v: r"\N" if v is None else ("t" if v else "f")
    if isinstance(field, models.DateTimeField):

        def convert_datetime(value: datetime | None) -> str:
            return r"\N" if value is None else value.isoformat()

        return convert_datetime
    if isinstance(field, models.JSONField):
        return lambda v: r"\N" if v is None else _escape(json.dumps(v, ensure_ascii=False))
    if isinstance(field, models.CharField | models.TextField):
        return lambda v: r"\N" if v is None else _escape(v)
    return lambda v: r"\N" if v is None else str(v)


def _insert_converter(field: models.Field) -> Callable[[Any], Any] | None:
    """Python value -> the value the database driver takes, as the ORM would prepare it; None
    where the value passes as it is (numbers, text, booleans)."""
    if isinstance(
        field, models.DateTimeField | models.DecimalField | models.JSONField | models.UUIDField
    ):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def can_copy() -> bool:
    return connection.vendor == "postgresql" and hasattr(connection.cursor().cursor, "copy_expert")


class TableWriter:
    """Collects rows (tuples in the order of `fields`, attnames such as "product_id") for one
    model and writes them in batches: COPY if `copy`, else INSERTs (executemany on SQLite,
    multi-row statements elsewhere) with values prepared as bulk_create prepares them. Call
    `flush()` at the end.

    Signals are not sent and save() is not called, as with bulk_create.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, copy: bool):
        self.model = model
        self.copy = copy
        meta = model._meta
        resolved = [meta.get_field(name) for name in fields]
        # Columns the caller did not name get their model default (a database knows no Django
        # defaults), so a column added to a model later does not break the generator.
        named = {f.column for f in resolved}
        extra = [
            f
            for f in meta.concrete_fields
            if f.column not in named and not f.primary_key and f.has_default()
        ]
        self.defaults = tuple(f.get_default() for f in extra)
        resolved += extra
        self.columns = [f.column for f in resolved]
        if copy:
            self.converters = [_copy_converter(f) for f in resolved]
        else:
            self.prepare = [_insert_converter(f) for f in resolved]
        self.rows: list[tuple] = []
        self.count = 0
        self.batch = COPY_BATCH if copy else INSERT_BATCH

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.rows:
            return
        if self.copy:
            self._copy(self.rows)
        else:
            self._insert(self.rows)
        self.count += len(self.rows)
        self.rows = []

    def _sql_names(self) -> tuple[str, str]:
        quote = connection.ops.quote_name
        return quote(self.model._meta.db_table), ", ".join(quote(c) for c in self.columns)

    def _copy(self, rows: list[tuple]) -> None:
        converters, defaults = self.converters, self.defaults
        buffer = io.StringIO()
        write = buffer.write
        for row in rows:
            values = row + defaults if defaults else row
            write("\t".join([convert(v) for convert, v in zip(converters, values, strict=True)]))
            write("\n")
        buffer.seek(0)
        table, columns = self._sql_names()
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)

    def _insert(self, rows: list[tuple]) -> None:
        defaults = self.defaults
        steps = [(i, p) for i, p in enumerate(self.prepare) if p is not None]
        prepared = []
        for row in rows:
            values = list(row + defaults if defaults else row)
            for i, prepare in steps:
                values[i] = prepare(values[i])
            prepared.append(values)
        table, columns = self._sql_names()
        row_sql = "({})".format(", ".join(["%s"] * len(self.columns)))
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # sqlite3's executemany reuses one prepared statement: as fast as it gets there.
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_sql}", prepared)
                return
            # Elsewhere executemany may send one statement per row: send multi-row INSERTs.
            per_statement = max(1, 30_000 // len(self.columns))
            for start in range(0, len(prepared), per_statement):
                chunk = prepared[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(chunk)),
                    [value for values in chunk for value in values],
                )


def next_id(model: type[models.Model]) -> int:
    """The first id the generator may assign itself; `reset_sequences` fixes the database's
    counter afterwards."""
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After rows were written with explicit ids, let the database's own ids continue after them
    (PostgreSQL sequences; SQLite's AUTOINCREMENT already keeps up by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _pointing_here(model: type[models.Model]) -> list:
    """Every foreign key that points at `model`, hidden ones included (related_name="+", and the
    tables behind many-to-many fields such as User.groups)."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def truncate(model_list: Sequence[type[models.Model]]) -> dict[str, int] | None:
    """Empty these tables with one TRUNCATE (PostgreSQL: instant, and leaves no dead rows behind),
    provided no table outside them points at them. Returns rows removed per model, or None when
    TRUNCATE cannot be used and the caller must delete instead."""
    if connection.vendor != "postgresql":
        return None
    members = set(model_list)
    if any(r.related_model not in members for m in model_list for r in _pointing_here(m)):
        return None
    counts = {m._meta.label: m._base_manager.count() for m in model_list}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Rows written earlier in the same transaction have foreign-key checks pending, which
        # TRUNCATE refuses to leave behind: run them now, then defer again as Django's are.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE " + ", ".join(quote(m._meta.db_table) for m in model_list))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return counts


def purge(queryset: models.QuerySet, *, handled: Iterable[type[models.Model]] = ()) -> int:
    """Delete the rows of `queryset` with one DELETE, without loading them or sending signals.

    Rows elsewhere that point at them (other apps' models, not in `handled`) are dealt with
    first through the ORM, as their on_delete says: deleted, or their pointer set to null.
    """
    model = queryset.model
    skip = set(handled) | {model}
    for relation in _pointing_here(model):
        related = relation.related_model
        if related in skip:
            continue
        name = relation.field.name
        dependants = related._base_manager.filter(**{f"{name}__in": queryset})
        if relation.on_delete is models.SET_NULL:
            dependants.update(**{name: None})
        elif relation.on_delete is not models.DO_NOTHING:
            dependants.delete()
    deleted = queryset._raw_delete(queryset.db)
    logger.debug("purged %s %s rows", deleted, model._meta.label)
    return deleted
