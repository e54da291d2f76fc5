"""Reading a shop's interaction history from a file (CSV with a header line, or JSON lines) into
typed records, one at a time, with the line each came from. No Django: the service matches the
records to shoppers and products and writes them (services/importing.py).

Columns (see docs/recommendations-import.md): the shopper as one of `user_id`, `email` or
`user_external_id`; the product as one of `product_id`, `sku` or `product_external_id`; `kind`;
`time` (ISO 8601, or seconds since the epoch); optional `rating` (1-5, reviews), `quantity`
(purchases) and `product_name` (the name of a product created from this file).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

KINDS = ("view", "cart", "purchase", "review", "search_click")
USER_ROUTES = ("user_id", "email", "user_external_id")
PRODUCT_ROUTES = ("product_id", "sku", "product_external_id")
MAX_VALUE = 32767  # the interactions table keeps the value in a small integer


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    user_route: str  # one of USER_ROUTES
    user_key: str
    product_route: str  # one of PRODUCT_ROUTES
    product_key: str
    kind: str
    time: datetime  # timezone-aware (UTC)
    value: int  # the rating of a review, the quantity of a purchase, 1 otherwise
    product_name: str = ""


@dataclass(frozen=True, slots=True)
class LineError:
    """A line that cannot be read. `code` names the problem (the service words it in the
    shopper's language); `detail` is the offending value."""

    line: int
    code: str
    detail: str = ""


class FileFormatError(ValueError):
    """The file as a whole cannot be read (no header, no shopper or product column...)."""


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def parse_time(value: str) -> datetime:
    """ISO 8601 (a time without a zone is taken as UTC) or epoch seconds. ValueError if neither."""
    if not value:
        raise ValueError(value)
    try:
        seconds = float(value)
    except ValueError:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        raise ValueError(value)
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError) as error:
        raise ValueError(value) from error


def _int(value: str) -> int:
    number = float(value)
    if number != int(number):
        raise ValueError(value)
    return int(number)


def parse_record(fields: dict, line: int, *, default_kind: str = "") -> Record | LineError:
    """One row (a mapping of column to value) as a Record, or the first problem it has."""
    fields = {str(k).strip().lower(): _text(v) for k, v in fields.items() if k is not None}
    user_route = next((r for r in USER_ROUTES if fields.get(r)), None)
    if user_route is None:
        return LineError(line, "no_user")
    product_route = next((r for r in PRODUCT_ROUTES if fields.get(r)), None)
    if product_route is None:
        return LineError(line, "no_product")
    user_key, product_key = fields[user_route], fields[product_route]
    if user_route == "user_id" and not user_key.isdigit():
        return LineError(line, "bad_user_id", user_key)
    if product_route == "product_id" and not product_key.isdigit():
        return LineError(line, "bad_product_id", product_key)
    if user_route == "email":
        user_key = user_key.lower()
    kind = fields.get("kind", "").lower() or default_kind
    if kind not in KINDS:
        return LineError(line, "bad_kind", kind)
    try:
        time = parse_time(fields.get("time", ""))
    except ValueError:
        return LineError(line, "bad_time", fields.get("time", ""))
    value = 1
    if kind == "review":
        try:
            value = _int(fields.get("rating", ""))
        except ValueError:
            return LineError(line, "bad_rating", fields.get("rating", ""))
        if not 1 <= value <= 5:
            return LineError(line, "bad_rating", fields.get("rating", ""))
    elif kind == "purchase" and fields.get("quantity"):
        try:
            value = _int(fields["quantity"])
        except ValueError:
            return LineError(line, "bad_quantity", fields["quantity"])
        if not 1 <= value <= MAX_VALUE:
            return LineError(line, "bad_quantity", fields["quantity"])
    return Record(
        line=line,
        user_route=user_route,
        user_key=user_key,
        product_route=product_route,
        product_key=product_key,
        kind=kind,
        time=time,
        value=value,
        product_name=fields.get("product_name", "")[:200],
    )


def read_csv(lines: Iterable[str], *, default_kind: str = "") -> Iterator[Record | LineError]:
    """Rows of a CSV file whose first line names the columns (comma, semicolon or tab)."""
    lines = iter(lines)
    header = next(lines, None)
    if header is None or not header.strip():
        raise FileFormatError("empty")
    dialect = "excel-tab" if "\t" in header else "excel"
    delimiter = ";" if dialect == "excel" and ";" in header and "," not in header else None
    columns = next(
        csv.reader([header], dialect=dialect, **({"delimiter": delimiter} if delimiter else {}))
    )
    names = {c.strip().lower() for c in columns}
    if not names & set(USER_ROUTES) or not names & set(PRODUCT_ROUTES):
        raise FileFormatError("columns")
    options = {"delimiter": delimiter} if delimiter else {}
    reader = csv.DictReader(lines, fieldnames=columns, dialect=dialect, **options)
    for row in reader:
        line = reader.line_num + 1  # the header was read before the reader started counting
        if not any(_text(v) for k, v in row.items() if k is not None):
            continue
        yield parse_record(row, line, default_kind=default_kind)


def read_jsonl(lines: Iterable[str], *, default_kind: str = "") -> Iterator[Record | LineError]:
    """One JSON object a line; blank lines are skipped."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except ValueError:
            yield LineError(number, "bad_json")
            continue
        if not isinstance(row, dict):
            yield LineError(number, "bad_json")
            continue
        yield parse_record(row, number, default_kind=default_kind)


def read(lines: Iterable[str], fmt: str, *, default_kind: str = "") -> Iterator[Record | LineError]:
    if fmt == "csv":
        return read_csv(lines, default_kind=default_kind)
    if fmt == "jsonl":
        return read_jsonl(lines, default_kind=default_kind)
    raise FileFormatError(fmt)


def guess_format(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return None
