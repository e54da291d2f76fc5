"""Querysets compiled once and re-run with new parameters.

Building a queryset and compiling it to SQL costs more than running it for the small reads of a
storefront page (a product by its slug, its variants, a page of cards). A `Statement` builds its
queryset once per database vendor with sentinel values in the places of its named parameters,
compiles it, and remembers where each sentinel landed among the SQL's parameters; a run puts the
real values there, executes the SQL and turns the rows into what the queryset would have given
(model instances with their select_related objects and annotations, or tuples for a
values_list queryset), through the compiler's own converters.

A statement made with `prepared=True` is, on PostgreSQL, also prepared on the server (PREPARE,
once per database connection) and run with EXECUTE: PostgreSQL then plans it once for all its
runs (a generic plan, after its first few), where planning cost more than running a point
look-up (a product by slug: 0.18 ms of planning for 0.08 ms of execution). Only for statements
whose best plan does not depend on the values (look-ups by key): a listing whose plan depends on
the category must be planned each time. Prepared statements belong to the server session, so a
connection pooler in transaction mode (PgBouncer) must not stand between Django and PostgreSQL.

A statement whose plan does depend on its values (a listing: one ordered scan per category)
can be made with `plans_kept=True` instead: on PostgreSQL, a run whose values the connection has
seen run before is prepared with these very values written into its SQL (so its plan is the one
PostgreSQL makes for them, planned once), and kept among the connection's last PLANS_KEPT such
(the older deallocated): the popular pages are planned once, a one-off costs nothing more.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class Slots:
    """The sentinels handed to a statement's builder: `slots.int("id")` / `slots.str("slug")`
    stand for the named parameters in filters, RawSQL params and the like."""

    def __init__(self) -> None:
        self.sentinels: dict[str, list[Any]] = {}

    def _add(self, name: str, value: Any) -> Any:
        self.sentinels.setdefault(name, []).append(value)
        return value

    def int(self, name: str) -> int:
        count = sum(len(v) for v in self.sentinels.values())
        return self._add(name, -(1_000_000_000 + count))

    def str(self, name: str) -> str:
        count = sum(len(v) for v in self.sentinels.values())
        return self._add(name, f"\x00slot{count}:{name}\x00")


@dataclass
class _Compiled:
    sql: str
    params: list
    places: dict[str, list[int]]
    compiler: Any
    models: bool
    init_list: list[str]
    model_start: int
    model_end: int
    populators: list
    annotations: dict[str, int]
    model: Any
    converters: dict
    # On PostgreSQL, for a prepared statement: its server-side name and SQL ($1 ... placeholders).
    prepared_name: str = ""
    prepared_sql: str = ""


# The names prepared on each database connection (the driver's connection object): a server
# session keeps its prepared statements until it ends, whatever its transactions do.
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_names = itertools.count(1)
_PLACEHOLDER = re.compile(r"%[s%]")


def _numbered(sql: str) -> str:
    """Django's SQL for psycopg (%s placeholders, %% for a percent sign) with PostgreSQL's
    numbered placeholders, for PREPARE."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


# Per connection, for plans_kept statements: the SQL with its values of the last runs, oldest
# first, each with the name it is prepared under ("" when it has been run once, not prepared).
PLANS_KEPT = 256
_kept_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _kept_plan(sql: str, params: list) -> str | None:
    """The name of the prepared statement of `sql` with these values on this connection,
    prepared now if they were run before; None for values first seen (run them as they are)."""
    raw = connection.connection
    kept = _kept_on.get(raw)
    if kept is None:
        kept = _kept_on[raw] = OrderedDict()
    with raw.cursor() as cursor:  # the driver's own: not a query of the request's
        literal = cursor.mogrify(sql, params).decode()
        name = kept.get(literal)
        if name is None:
            kept[literal] = ""
            _forget_oldest(kept, cursor)
            return None
        kept.move_to_end(literal)
        if not name:
            name = kept[literal] = f"shop_plan_{next(_names)}"
            cursor.execute(f"PREPARE {name} AS {literal}")
        return name


def execute_keeping_plan(cursor, sql: str, params: list) -> None:
    """cursor.execute(sql, params), on PostgreSQL with the plan kept as for a plans_kept
    statement (for SQL written by hand)."""
    name = _kept_plan(sql, params) if connection.vendor == "postgresql" else None
    if name is None:
        cursor.execute(sql, params)
    else:
        cursor.execute(f"EXECUTE {name}")


def _forget_oldest(kept: OrderedDict, cursor) -> None:
    while len(kept) > PLANS_KEPT:
        _literal, name = kept.popitem(last=False)
        if name:
            cursor.execute(f"DEALLOCATE {name}")


def _prepare(compiled: _Compiled) -> None:
    """PREPARE the statement on this connection's server session, unless it is already."""
    raw = connection.connection
    names = _prepared_on.get(raw)
    if names is None:
        names = _prepared_on[raw] = set()
    if compiled.prepared_name in names:
        return
    # On the driver's own cursor: not a query of the request's (nor counted as one).
    with raw.cursor() as cursor:
        cursor.execute(f"PREPARE {compiled.prepared_name} AS {compiled.prepared_sql}")
    names.add(compiled.prepared_name)


class Statement:
    """`build(slots)` returns the queryset (a model or values_list queryset, sliced or not);
    `run(**values)` returns its rows for these values."""

    def __init__(
        self,
        build: Callable[[Slots], QuerySet],
        *,
        prepared: bool = False,
        plans_kept: bool = False,
    ) -> None:
        self.build = build
        self.prepared = prepared
        self.plans_kept = plans_kept
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self) -> _Compiled:
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled
        with self._lock:
            slots = Slots()
            queryset = self.build(slots)
            compiler = queryset.query.get_compiler(using=connection.alias)
            sql, params = compiler.as_sql()
            params = list(params)
            places: dict[str, list[int]] = {}
            for name, sentinels in slots.sentinels.items():
                for sentinel in sentinels:
                    found = [i for i, p in enumerate(params) if p == sentinel]
                    if len(found) != 1:  # pragma: no cover - a builder or ORM change
                        raise RuntimeError(f"parameter {name} is not passed through as one value")
                    places.setdefault(name, []).append(found[0])
            models = queryset._iterable_class.__name__ == "ModelIterable"
            init_list, start, end, populators, model = [], 0, 0, [], None
            if models:
                info = compiler.klass_info
                fields = info["select_fields"]
                start, end = fields[0], fields[-1] + 1
                init_list = [f[0].target.attname for f in compiler.select[start:end]]
                populators = get_related_populators(info, compiler.select, connection.alias)
                model = info["model"]
            compiled = _Compiled(
                sql=sql,
                params=params,
                places=places,
                compiler=compiler,
                models=models,
                init_list=init_list,
                model_start=start,
                model_end=end,
                populators=populators,
                annotations=dict(compiler.annotation_col_map or {}) if models else {},
                model=model,
                converters=compiler.get_converters(
                    [s[0] for s in compiler.select[0 : compiler.col_count]]
                ),
            )
            if self.prepared and connection.vendor == "postgresql":
                compiled.prepared_name = f"shop_statement_{next(_names)}"
                compiled.prepared_sql = _numbered(sql)
            self._compiled[key] = compiled
        return compiled

    def _execute(self, compiled: _Compiled, values: dict[str, Any]):
        params = list(compiled.params)
        for name, places in compiled.places.items():
            for place in places:
                params[place] = values[name]
        with connection.cursor() as cursor:
            if self.plans_kept:
                execute_keeping_plan(cursor, compiled.sql, params)
            elif compiled.prepared_name:
                _prepare(compiled)
                values = f" ({', '.join(['%s'] * len(params))})" if params else ""
                cursor.execute(f"EXECUTE {compiled.prepared_name}{values}", params)
            else:
                cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:  # as compiler.results_iter() does, with converters found once
            return compiled.compiler.apply_converters(rows, compiled.converters)
        return rows

    def rows(self, **values: Any) -> tuple[list, dict[str, int]]:
        """The rows of a model queryset's statement as tuples (converted as the ORM converts
        them, no model instances built), with where each column is in a row: the model's
        fields by attribute name, and the annotations."""
        compiled = self._compile()
        if not compiled.models:  # pragma: no cover - a builder mistake
            raise TypeError("rows() reads a model queryset's statement; run() the others")
        rows = self._execute(compiled, values)
        columns = {name: compiled.model_start + i for i, name in enumerate(compiled.init_list)}
        columns.update(compiled.annotations)
        return list(rows), columns

    def run(self, **values: Any) -> list:
        compiled = self._compile()
        rows = self._execute(compiled, values)
        if not compiled.models:
            return [tuple(row) for row in rows]
        objects = []
        alias = connection.alias
        start, end = compiled.model_start, compiled.model_end
        for row in rows:
            obj = compiled.model.from_db(alias, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for attr, position in compiled.annotations.items():
                setattr(obj, attr, row[position])
            objects.append(obj)
        return objects
