"""Reading an external purchase log (customer id, date, amount), so a merchant can segment data
from elsewhere. No Django.

Formats: a delimited file (comma, semicolon or tab; detected from the first line) with a header
naming the columns, or whitespace-separated columns like the CDNOW log that ships with
`lifetimes` (customer id, date as YYYYMMDD, number of CDs, dollar value; header optional).
Column names are matched case-insensitively against common names (`customer_id`, `date`,
`amount` ...) unless given; without a header the customer is the first column, the date the
second and the amount the last. Dates: `date_format` (strptime), or detected from the first row
among ISO dates (with or without time), YYYYMMDD and YYYY/MM/DD.

Anything wrong raises `PurchaseLogError` with the line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .rfm import Purchase

FORMATS = ("auto", "csv", "cdnow")

CUSTOMER_NAMES = (
    "customer_id",
    "customer",
    "customer id",
    "customerid",
    "user_id",
    "client_id",
    "client",
    "buyer",
    "id",
    "客户",
    "客户id",
    "客户编号",
)
DATE_NAMES = (
    "date",
    "order_date",
    "purchase_date",
    "purchased_at",
    "day",
    "ordered_at",
    "日期",
    "下单日期",
    "购买日期",
)
AMOUNT_NAMES = (
    "amount",
    "dollar_value",
    "value",
    "revenue",
    "total",
    "sales",
    "spend",
    "price",
    "金额",
    "消费金额",
    "销售额",
)
AUTO_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%Y/%m/%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)


class PurchaseLogError(ValueError):
    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def _normal(name: str) -> str:
    return name.strip().strip('"').strip().lower().replace("-", "_")


def _find(header: list[str], wanted: str | None, names: tuple[str, ...], what: str) -> int:
    normal = [_normal(cell) for cell in header]
    if wanted:
        if _normal(wanted) in normal:
            return normal.index(_normal(wanted))
        raise PurchaseLogError(
            f"no column named {wanted!r} for the {what}; the header has: {', '.join(header)}",
            line=1,
        )
    for name in names:
        if name in normal:
            return normal.index(name)
    raise PurchaseLogError(
        f"no column for the {what} (expected one of {', '.join(names[:5])} ...); the header "
        f"has: {', '.join(header)}",
        line=1,
    )


def _parse_date(text: str, date_format: str | None, line: int) -> tuple[date, str]:
    text = text.strip()
    formats = (date_format,) if date_format else AUTO_DATE_FORMATS
    for candidate in formats:
        try:
            return datetime.strptime(text, candidate).date(), candidate  # noqa: DTZ007 (a day)
        except ValueError:
            continue
    if date_format:
        raise PurchaseLogError(f"{text!r} is not a date in the format {date_format}", line=line)
    raise PurchaseLogError(
        f"{text!r} is not a date this reader knows (YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD); give "
        f"--date-format",
        line=line,
    )


def _parse_amount(text: str, line: int) -> Decimal:
    cleaned = text.strip().replace("$", "").replace("¥", "").replace("￥", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise PurchaseLogError(f"{text.strip()!r} is not an amount", line=line) from None
    if not amount.is_finite():
        raise PurchaseLogError(f"{text.strip()!r} is not an amount", line=line)
    if amount < 0:
        raise PurchaseLogError(f"the amount {text.strip()} is negative", line=line)
    return amount


def _rows(lines: list[str], fmt: str) -> Iterator[tuple[int, list[str]]]:
    first = lines[0] if lines else ""
    delimiter = None
    if fmt != "cdnow":
        for candidate in (",", ";", "\t"):
            if candidate in first:
                delimiter = candidate
                break
        if delimiter is None and fmt == "csv":
            delimiter = ","
    if delimiter is None:
        for number, text in enumerate(lines, start=1):
            if text.strip():
                yield number, text.split()
        return
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=delimiter)
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _is_data(date_text: str, amount_text: str, date_format: str | None) -> bool:
    """Whether a first row without known column names is data rather than an unknown header."""
    try:
        _parse_date(date_text, date_format, 1)
        return True
    except PurchaseLogError:
        pass
    try:
        _parse_amount(amount_text, 1)
        return True
    except PurchaseLogError:
        return False


def _looks_like_header(row: list[str]) -> bool:
    names = {*CUSTOMER_NAMES, *DATE_NAMES, *AMOUNT_NAMES}
    return any(_normal(cell) in names for cell in row)


def read_purchases(
    lines: Iterable[str],
    *,
    fmt: str = "auto",
    date_format: str | None = None,
    customer_column: str | None = None,
    date_column: str | None = None,
    amount_column: str | None = None,
) -> list[Purchase]:
    """Every purchase in the log. `lines` as read from a text file (with their line ends)."""
    if fmt not in FORMATS:
        raise PurchaseLogError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    lines = list(lines)
    rows = _rows(lines, fmt)
    first = next(rows, None)
    if first is None:
        raise PurchaseLogError("the file is empty")
    number, row = first
    named = customer_column or date_column or amount_column
    if named or _looks_like_header(row):
        customer_at = _find(row, customer_column, CUSTOMER_NAMES, "customer")
        date_at = _find(row, date_column, DATE_NAMES, "date")
        amount_at = _find(row, amount_column, AMOUNT_NAMES, "amount")
        data: Iterable[tuple[int, list[str]]] = rows
    else:
        if len(row) < 3:
            raise PurchaseLogError(
                f"expected at least 3 columns (customer id, date, amount), found {len(row)}",
                line=number,
            )
        customer_at, date_at, amount_at = 0, 1, len(row) - 1
        if not _is_data(row[date_at], row[amount_at], date_format):
            raise PurchaseLogError(
                f"no column for the customer, date and amount among {', '.join(row)}: name "
                f"them (--customer-column, --date-column, --amount-column)",
                line=number,
            )

        def with_first():
            yield number, row
            yield from rows

        data = with_first()
    width = max(customer_at, date_at, amount_at) + 1
    purchases = []
    detected = date_format
    for number, cells in data:
        if len(cells) < width:
            raise PurchaseLogError(
                f"expected at least {width} columns, found {len(cells)}", line=number
            )
        customer = cells[customer_at].strip()
        if not customer:
            raise PurchaseLogError("the customer id is empty", line=number)
        day, used = _parse_date(cells[date_at], detected, number)
        detected = used
        purchases.append(
            Purchase(customer=customer, day=day, amount=_parse_amount(cells[amount_at], number))
        )
    if not purchases:
        raise PurchaseLogError("the file holds a header but no purchase")
    return purchases
