"""A sales report (insights.selectors.reports) written out: an aligned text table, CSV or an
Excel workbook. The same writers serve `manage.py sales_report` and the admin's reports page."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors.reports import SalesReport

FORMATS = ("table", "csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MONEY_COLUMNS = {"revenue", "refunds", "net"}


def _text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def report_filename(report: SalesReport, extension: str) -> str:
    who = report.merchant.slug if report.merchant else "shop"
    return f"sales-{who}-{report.by}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{extension}"


def as_table(report: SalesReport) -> str:
    lines = [report.headers, *[[_text(v) for v in row] for row in report.rows]]
    lines.append([_text(v) for v in report.totals])
    widths = [max(_width(line[i]) for line in lines) for i in range(len(report.headers))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            cell.ljust(widths[i] - _width(cell) + len(cell))
            if i == 0 or not _numeric(cell)
            else cell.rjust(widths[i] - _width(cell) + len(cell))
            for i, cell in enumerate(line)
        ]
        if n == len(lines) - 1 or n == 1:
            out.append("  ".join("-" * w for w in widths))
        out.append("  ".join(cells).rstrip())
    if not report.rows:
        out.insert(2, "")
    return "\n".join(out) + "\n"


def _numeric(cell: str) -> bool:
    return cell.replace(".", "", 1).replace("-", "", 1).isdigit()


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for a Chinese character."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def as_csv(report: SalesReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report.headers)
    for row in report.rows:
        writer.writerow([_text(v) for v in row])
    writer.writerow([_text(v) for v in report.totals])
    return buffer.getvalue()


def as_xlsx(report: SalesReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = report.by[:31]
    sheet.append(report.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in [*report.rows, report.totals]:
        sheet.append(row)
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for i, column in enumerate(report.columns, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = max(10, len(report.headers[i - 1]) + 4)
        if column in MONEY_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "#,##0.00"
        if column == "day":
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last - 1, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
