"""Sales reports (selectors, `manage.py sales_report`, the admin's reports page) and the orders
admin's export: totals equal the orders, in Decimal, and every merchant sees only its own."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from insights.selectors.reports import ReportError, sales_report
from orders import services
from orders.models import Order, OrderLine
from payments.models import Payment, Refund, RefundStatus
from tests.accounts.factories import StaffFactory, UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db

DAY1, DAY2 = date(2026, 11, 2), date(2026, 11, 3)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def paid_on(order: Order, day: date, hour: int = 12) -> Order:
    services.order_mark_paid(order=order, actor=None)
    Order.objects.filter(pk=order.pk).update(paid_at=at(day, hour))
    order.refresh_from_db()
    return order


def refund(order: Order, amount: str, day: date, merchant=None) -> Refund:
    payment = Payment.objects.create(
        order=order, amount=order.total, out_trade_no=f"T{order.pk}-{Payment.objects.count()}"
    )
    return Refund.objects.create(
        payment=payment,
        merchant=merchant,
        amount=Decimal(amount),
        reason="test",
        out_request_no=f"R{Refund.objects.count()}-{order.pk}",
        status=RefundStatus.SUCCEEDED,
        completed_at=at(day, 15),
    )


@pytest.fixture
def shop(merchant_a, merchant_b):
    """A sells at 30.10 and 19.95, B at 40.00. Three paid orders over two days (one shared by A
    and B), one unpaid, one paid the day after the period."""
    a1, a2 = variant_in_stock(price="30.10"), variant_in_stock(price="19.95")
    b1 = variant_in_stock(price="40.00")
    for variant, merchant in ((a1, merchant_a), (a2, merchant_a), (b1, merchant_b)):
        variant.product.merchant = merchant
        variant.product.save()
    shared = paid_on(place_order((a1, 2), (b1, 1)), DAY1, 9)
    only_a = paid_on(place_order((a2, 3)), DAY1, 23)  # late evening, still that local day
    only_b = paid_on(place_order((b1, 2)), DAY2)
    place_order((a1, 1))  # never paid
    paid_on(place_order((a1, 5)), DAY2 + timedelta(days=1))  # after the period
    return {"shared": shared, "only_a": only_a, "only_b": only_b, "a1": a1, "a2": a2, "b1": b1}


def lines_total(orders, merchant=None) -> Decimal:
    lines = OrderLine.objects.filter(order__in=orders)
    if merchant is not None:
        lines = lines.filter(merchant=merchant)
    return sum((line.line_total for line in lines), Decimal("0.00"))


def test_the_shop_s_revenue_is_the_paid_orders_items(shop):
    report = sales_report(start=DAY1, end=DAY2)

    paid = [shop["shared"], shop["only_a"], shop["only_b"]]
    assert report.totals[3] == sum((o.subtotal for o in paid), Decimal(0)) == Decimal("240.05")
    assert isinstance(report.totals[3], Decimal)
    by_day = {row[0]: row for row in report.rows}
    assert by_day[DAY1][1:4] == [2, 6, lines_total([shop["shared"], shop["only_a"]])]
    assert by_day[DAY2][1:4] == [1, 2, lines_total([shop["only_b"]])]
    assert report.totals[1:3] == [3, 8]


def test_a_merchant_s_revenue_is_its_own_lines_never_the_order_total(shop, merchant_a, merchant_b):
    a = sales_report(start=DAY1, end=DAY2, merchant=merchant_a)
    b = sales_report(start=DAY1, end=DAY2, merchant=merchant_b)
    shop_report = sales_report(start=DAY1, end=DAY2)

    paid = [shop["shared"], shop["only_a"], shop["only_b"]]
    assert a.totals[3] == lines_total(paid, merchant_a) == Decimal("120.05")
    assert b.totals[3] == lines_total(paid, merchant_b) == Decimal("120.00")
    assert a.totals[3] + b.totals[3] == shop_report.totals[3]
    assert a.totals[3] != shop["shared"].total + shop["only_a"].total


def test_refunds_are_the_merchant_s_own_and_its_share_of_whole_order_refunds(
    shop, merchant_a, merchant_b
):
    refund(shop["only_a"], "19.95", DAY2, merchant=merchant_a)
    # The operator refunds the shared order's 100.20 of items: A's share is 60.20 / 100.20.
    refund(shop["shared"], "50.10", DAY2)

    a = sales_report(start=DAY1, end=DAY2, merchant=merchant_a)
    b = sales_report(start=DAY1, end=DAY2, merchant=merchant_b)
    everyone = sales_report(start=DAY1, end=DAY2)

    assert a.rows[1][4] == Decimal("19.95") + Decimal("30.10")
    assert b.rows[1][4] == Decimal("20.00")
    assert everyone.totals[4] == Decimal("70.05")
    assert a.totals[5] == a.totals[3] - a.totals[4]


def test_per_product_and_per_category_totals_match_the_day_report(shop, merchant_a):
    days = sales_report(start=DAY1, end=DAY2, merchant=merchant_a)
    products = sales_report(start=DAY1, end=DAY2, merchant=merchant_a, by="product")
    categories = sales_report(start=DAY1, end=DAY2, merchant=merchant_a, by="category")

    assert products.totals[-1] == categories.totals[-1] == days.totals[3]
    assert {row[0] for row in products.rows} == {shop["a1"].sku, shop["a2"].sku}
    assert shop["b1"].sku not in {row[0] for row in products.rows}


@pytest.mark.parametrize(
    "start, end, by",
    [(DAY2, DAY1, "day"), (None, DAY1, "day"), (date(2020, 1, 1), DAY1, "day"), (DAY1, DAY2, "x")],
)
def test_a_report_that_cannot_be_made_says_why(start, end, by):
    with pytest.raises(ReportError):
        sales_report(start=start, end=end, by=by)


# --- manage.py sales_report -------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sales_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_prints_a_table_with_the_totals(shop):
    out = run("--from", "2026-11-02", "--to", "2026-11-03")
    assert "2026-11-02" in out and "2026-11-03" in out
    assert out.strip().splitlines()[-1].split() == ["Total", "3", "8", "240.05", "0.00", "240.05"]


def test_the_command_s_csv_reads_back_and_matches_the_orders(shop, merchant_a, merchant_b):
    out = run(
        "--from", "2026-11-02", "--to", "2026-11-03", "--merchant", "alpha", "--format", "csv"
    )

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["Day", "Orders", "Units", "Revenue", "Refunds", "Net"]
    assert rows[-1][0] == "Total"
    paid = [shop["shared"], shop["only_a"], shop["only_b"]]
    assert Decimal(rows[-1][3]) == lines_total(paid, merchant_a)
    assert sum(Decimal(r[3]) for r in rows[1:-1]) == Decimal(rows[-1][3])


def test_the_command_s_product_csv_of_a_merchant_has_none_of_another_s(shop):
    out = run(
        "--from", "2026-11-02", "--to", "2026-11-03", "--merchant", "alpha", "--by", "product",
        "--format", "csv",
    )  # fmt: skip
    assert shop["a1"].sku in out
    assert shop["b1"].sku not in out


def test_the_command_writes_an_excel_workbook_that_reads_back(shop, tmp_path):
    path = tmp_path / "sales.xlsx"

    run("--from", "2026-11-02", "--to", "2026-11-03", "--format", "xlsx", "--output", str(path))

    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Day", "Orders", "Units", "Revenue", "Refunds", "Net")
    assert rows[-1][0] == "Total"
    assert Decimal(str(rows[-1][3])) == Decimal("240.05")
    assert rows[1][0].date() == DAY1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-13-01", "--to", "2026-11-03"], "Not a date"),
        (["--from", "2026-11-04", "--to", "2026-11-03"], "comes after"),
        (["--from", "2026-11-01", "--to", "2026-11-03", "--merchant", "nobody"], "nobody"),
        (["--from", "2026-11-01", "--to", "2026-11-03", "--format", "xlsx"], "--output"),
    ],
)
def test_the_command_refuses_bad_input_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


# --- The admin's reports page -----------------------------------------------------------------

REPORTS = "admin:insights_reports"
PERIOD = {"start": "2026-11-02", "end": "2026-11-03"}


def test_merchant_staff_download_their_own_report(client, shop, merchant_a, merchant_b):
    client.force_login(StaffFactory(merchant=merchant_a))

    response = client.get(
        reverse(REPORTS), {**PERIOD, "by": "product", "format": "csv", "merchant": merchant_b.pk}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="sales-alpha-')
    text = response.content.decode("utf-8-sig")
    assert shop["a1"].sku in text and shop["b1"].sku not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert Decimal(rows[-1][-1]) == Decimal("120.05")


def test_the_operator_gets_the_shop_or_a_merchant_as_excel(client, shop, merchant_b):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse(REPORTS), {**PERIOD, "by": "day", "format": "xlsx"})
    one = client.get(
        reverse(REPORTS), {**PERIOD, "by": "day", "format": "xlsx", "merchant": merchant_b.pk}
    )

    totals = [
        list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))[-1]
        for r in (response, one)
    ]
    assert Decimal(str(totals[0][3])) == Decimal("240.05")
    assert Decimal(str(totals[1][3])) == Decimal("120.00")


def test_the_page_shows_the_report_and_bad_dates_get_a_message(client, shop, merchant_a):
    client.force_login(StaffFactory(merchant=merchant_a))

    shown = client.get(reverse(REPORTS), {**PERIOD, "by": "day", "format": "table"})
    bad = client.get(
        reverse(REPORTS), {"start": "2026-11-03", "end": "2026-11-01", "by": "day", "format": "csv"}
    )
    nonsense = client.get(reverse(REPORTS), {"start": "yesterday", "end": "", "format": "pdf"})

    assert shown.status_code == 200 and "120.05" in shown.content.decode()
    assert bad.status_code == 200 and "comes after" in bad.content.decode()
    assert nonsense.status_code == 200 and "report" not in nonsense.context


def test_staff_without_a_merchant_get_no_report(client):
    client.force_login(StaffFactory(merchant=None))
    assert client.get(reverse(REPORTS)).status_code == 403


# --- The orders admin's export ------------------------------------------------------------------

EXPORT = "admin:orders_order_export"
FIELDS = ("number", "created", "paid", "status", "channel", "email", "units", "items")
FIELDS += ("shipping", "total")


def export(client, fmt: str = "0") -> list[list[str]]:
    data = {"format": fmt, "resource": "0"}
    data.update({f"orderexportresource_{name}": "on" for name in FIELDS})
    response = client.post(reverse(EXPORT), data)
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_merchant_s_export_has_only_its_orders_and_its_lines_figures(client, shop, merchant_a):
    client.force_login(StaffFactory(merchant=merchant_a))

    rows = export(client)

    numbers = {row[0]: row for row in rows[1:]}
    assert shop["only_b"].number not in numbers
    shared = numbers[shop["shared"].number]
    assert shared[6:] == ["2", "60.20", "", "60.20"]  # A's two units; not the order's 112.20
    assert Decimal(shared[7]) == lines_total([shop["shared"]], merchant_a)
    assert numbers[shop["only_a"].number][7] == "59.85"


def test_the_operator_s_export_has_every_order_and_its_own_totals(client, shop):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    rows = export(client)

    numbers = {row[0]: row for row in rows[1:]}
    assert len(numbers) == Order.objects.count()
    shared = shop["shared"]
    assert numbers[shared.number][6:] == [
        "3",
        f"{shared.subtotal:.2f}",
        f"{shared.shipping_total:.2f}",
        f"{shared.total:.2f}",
    ]


def test_the_export_is_also_an_excel_workbook(client, shop, merchant_a):
    client.force_login(StaffFactory(merchant=merchant_a))
    data = {"format": "1", "resource": "0"}
    data.update({f"orderexportresource_{name}": "on" for name in FIELDS})

    response = client.post(reverse(EXPORT), data)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shop["shared"].number in numbers and shop["only_b"].number not in numbers
