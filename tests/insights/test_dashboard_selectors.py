"""The dashboard's tiles (insights.selectors.dashboard) against hand-built orders: a merchant
counts only its own lines, sums are Decimal, each period is compared with the one before."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Review
from insights.selectors import dashboard as tiles
from logistics.models import Stock
from orders.models import OrderChannel, OrderStatus
from payments.models import RefundStatus
from recommendations.models import ModelVersion, VersionStatus
from support.models import Conversation, ConversationStatus
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, ReviewFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

from .dashboard_givens import line, order, refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def week():
    return tiles.period_for("week")


def inside(period, hours: int = 1):
    """A moment in the period (`hours` after it starts)."""
    return period.start + timedelta(hours=hours)


def before(period, hours: int = 1):
    """A moment in the period just before it."""
    return period.previous + timedelta(hours=hours)


def test_periods_are_24_hours_7_and_30_days_each_against_the_one_before():
    now = timezone.now()
    for key, length, points in (("day", 1, 24), ("week", 7, 7), ("month", 30, 30)):
        period = tiles.period_for(key, now)
        assert period.end - period.start == timedelta(days=length)
        assert period.start - period.previous == timedelta(days=length)
        assert period.start <= now < period.end
        assert len(period.point_starts()) == points


def test_revenue_counts_only_the_merchants_own_lines_of_an_order_shared_with_another(
    merchant_a, merchant_b, week
):
    order(
        line(merchant_a, "10.50", 2),
        line(merchant_a, "3.33"),
        line(merchant_b, "100.00"),
        at=inside(week),
    )

    mine = tiles.sales(merchant_a.pk, week)["current"]
    theirs = tiles.sales(merchant_b.pk, week)["current"]
    shop = tiles.sales(None, week)["current"]

    assert mine["revenue"] == Decimal("24.33")
    assert isinstance(mine["revenue"], Decimal)
    assert (mine["orders"], mine["units"], mine["average"]) == (1, 3, Decimal("24.33"))
    assert theirs["revenue"] == Decimal("100.00")
    assert shop["revenue"] == Decimal("124.33")


def test_revenue_matches_the_orders_it_comes_from(merchant_a, week):
    orders = [
        order(line(merchant_a, "19.99", 3), at=inside(week, 2)),
        order(line(merchant_a, "0.01"), line(merchant_a, "250.00", 2), at=inside(week, 30)),
    ]

    revenue = tiles.sales(merchant_a.pk, week)["current"]["revenue"]

    assert revenue == sum((o.total for o in orders), Decimal("0.00")) == Decimal("559.98")


def test_cancelled_lines_and_unsold_orders_are_not_revenue(merchant_a, week):
    order(line(merchant_a, "10.00"), line(merchant_a, "5.00", cancelled=True), at=inside(week))
    order(line(merchant_a, "70.00"), at=inside(week), status=OrderStatus.PENDING_PAYMENT)
    order(line(merchant_a, "80.00"), at=inside(week), status=OrderStatus.CANCELLED)
    order(line(merchant_a, "90.00"), at=inside(week), status=OrderStatus.REFUNDED)
    order(line(merchant_a, "7.00"), at=inside(week), status=OrderStatus.DELIVERED)

    current = tiles.sales(merchant_a.pk, week)["current"]

    assert current["revenue"] == Decimal("17.00")
    assert current["orders"] == 2


def test_the_period_is_compared_with_the_one_before(merchant_a, week):
    order(line(merchant_a, "30.00"), at=inside(week))
    order(line(merchant_a, "30.00"), at=inside(week, 26))
    order(line(merchant_a, "40.00"), at=before(week))
    order(line(merchant_a, "999.00"), at=week.previous - timedelta(hours=1))  # older still

    result = tiles.sales(merchant_a.pk, week)

    assert result["current"]["revenue"] == Decimal("60.00")
    assert result["previous"]["revenue"] == Decimal("40.00")
    assert result["change"]["revenue"] == pytest.approx(0.5)
    assert result["change"]["orders"] == pytest.approx(1.0)
    assert result["change"]["average"] == pytest.approx(-0.25)


def test_nothing_before_means_no_change_rather_than_a_division_by_zero(merchant_a, week):
    order(line(merchant_a, "30.00"), at=inside(week))

    assert tiles.sales(merchant_a.pk, week)["change"]["revenue"] is None


def test_the_series_put_each_order_on_its_day(merchant_a, week):
    order(line(merchant_a, "5.00"), at=week.start + timedelta(days=2, hours=3))
    order(line(merchant_a, "7.00"), at=week.previous + timedelta(days=6, hours=23))

    series = tiles.sales(merchant_a.pk, week)["series"]

    assert series["current"]["revenue"] == [0, 0, Decimal("5.00"), 0, 0, 0, 0]
    assert series["previous"]["revenue"] == [0, 0, 0, 0, 0, 0, Decimal("7.00")]
    assert series["current"]["orders"] == [0, 0, 1, 0, 0, 0, 0]


def test_the_day_is_cut_into_hours(merchant_a):
    day = tiles.period_for("day")
    order(line(merchant_a, "5.00"), at=day.start + timedelta(hours=5, minutes=30))

    series = tiles.sales(merchant_a.pk, day)["series"]["current"]["revenue"]

    assert len(series) == 24
    assert series[5] == Decimal("5.00")
    assert sum(series) == Decimal("5.00")


def test_refunds_the_merchant_made_count_for_it_and_not_for_another(merchant_a, merchant_b, week):
    shared = order(line(merchant_a, "100.00"), line(merchant_b, "300.00"), at=inside(week))
    refund(shared, "25.00", merchant=merchant_a, at=inside(week, 3))
    refund(shared, "60.00", merchant=merchant_b, at=inside(week, 3))

    mine = tiles.refunds(merchant_a.pk, week)["current"]
    shop = tiles.refunds(None, week)["current"]

    assert mine["amount"] == Decimal("25.00")
    assert mine["paid"] == Decimal("100.00")
    assert mine["rate"] == pytest.approx(0.25)
    assert shop["amount"] == Decimal("85.00")
    assert shop["rate"] == pytest.approx(85 / 400)


def test_an_operator_refund_counts_for_a_merchant_by_the_lines_it_returned(
    merchant_a, merchant_b, week
):
    shared = order(line(merchant_a, "20.00", 3), line(merchant_b, "50.00"), at=inside(week))
    a_line, b_line = shared.lines.order_by("pk")
    refund(shared, "90.00", at=inside(week, 2), lines=[(a_line, 2), (b_line, 1)])

    assert tiles.refunds(merchant_a.pk, week)["current"]["amount"] == Decimal("40.00")
    assert tiles.refunds(merchant_b.pk, week)["current"]["amount"] == Decimal("50.00")


def test_a_whole_order_refund_counts_the_value_of_the_merchants_lines(merchant_a, merchant_b, week):
    cancelled = order(
        line(merchant_a, "20.00"),
        line(merchant_b, "50.00"),
        at=inside(week),
        status=OrderStatus.CANCELLED,
    )
    refund(cancelled, "70.00", at=inside(week, 2))

    assert tiles.refunds(merchant_a.pk, week)["current"]["amount"] == Decimal("20.00")
    assert tiles.refunds(merchant_b.pk, week)["current"]["amount"] == Decimal("50.00")


def test_pending_refunds_are_counted_whenever_they_were_asked(merchant_a, merchant_b, week):
    old = order(line(merchant_a, "20.00"), line(merchant_b, "9.00"), at=before(week))
    refund(old, "12.50", merchant=merchant_a, at=before(week), status=RefundStatus.PENDING)
    refund(old, "9.00", merchant=merchant_b, at=before(week), status=RefundStatus.PENDING)

    pending = tiles.refunds(merchant_a.pk, week)["pending"]

    assert pending == {"amount": Decimal("12.50"), "count": 1}
    assert tiles.refunds(None, week)["pending"]["count"] == 2


def test_orders_by_status_count_orders_holding_the_merchants_lines(merchant_a, merchant_b, week):
    order(line(merchant_a, "1.00"), line(merchant_a, "2.00"), at=inside(week))
    order(line(merchant_a, "1.00"), at=inside(week), status=OrderStatus.SHIPPED)
    order(line(merchant_b, "1.00"), at=inside(week), status=OrderStatus.SHIPPED)

    mine = {row["status"]: row["orders"] for row in tiles.orders_by_status(merchant_a.pk, week)}
    shop = {row["status"]: row["orders"] for row in tiles.orders_by_status(None, week)}

    assert (mine["paid"], mine["shipped"], mine["cancelled"]) == (1, 1, 0)
    assert (shop["paid"], shop["shipped"]) == (1, 2)
    assert set(mine) == set(OrderStatus.values)


def test_to_ship_counts_paid_orders_with_unshipped_lines_of_the_merchant(
    merchant_a, merchant_b, week
):
    today = timezone.localdate()
    order(line(merchant_a, "1.00", 2, shipped=1), at=inside(week), promised=today)
    order(line(merchant_a, "1.00"), at=inside(week), promised=today + timedelta(days=3))
    order(line(merchant_a, "1.00", shipped=1), line(merchant_b, "1.00"), at=inside(week))
    order(line(merchant_a, "1.00", cancelled=True), line(merchant_b, "1.00"), at=inside(week))
    order(line(merchant_a, "1.00"), at=inside(week), status=OrderStatus.PENDING_PAYMENT)
    order(
        line(merchant_a, "1.00", 3, shipped=1),
        at=inside(week),
        status=OrderStatus.PARTIALLY_SHIPPED,
        promised=today - timedelta(days=1),
    )

    mine = tiles.to_ship(merchant_a.pk)

    assert mine == {"orders": 3, "due": 2, "units": 1 + 1 + 2}
    assert tiles.to_ship(merchant_b.pk)["orders"] == 2


def test_orders_by_channel_split_the_sold_orders(merchant_a, merchant_b, week):
    order(line(merchant_a, "10.00"), at=inside(week))
    order(line(merchant_a, "12.00"), line(merchant_b, "5.00"), at=inside(week), channel="app")
    order(line(merchant_b, "99.00"), at=inside(week), channel=OrderChannel.PARTNER)

    rows = {r["channel"]: r for r in tiles.orders_by_channel(merchant_a.pk, week)}

    assert (rows["web"]["orders"], rows["web"]["revenue"]) == (1, Decimal("10.00"))
    assert (rows["app"]["orders"], rows["app"]["revenue"]) == (1, Decimal("12.00"))
    assert (rows["partner"]["orders"], rows["partner"]["revenue"]) == (0, Decimal("0.00"))


def test_top_products_and_categories_by_revenue_and_units(merchant_a, merchant_b, week):
    shoes, bags = CategoryFactory(name_en="Shoes"), CategoryFactory(name_en="Bags")
    boot = ProductFactory(merchant=merchant_a, category=shoes, name_en="Boot")
    sock = ProductFactory(merchant=merchant_a, category=shoes, name_en="Sock")
    tote = ProductFactory(merchant=merchant_a, category=bags, name_en="Tote")
    rival = ProductFactory(merchant=merchant_b, category=bags, name_en="Rival")
    order(line(merchant_a, "200.00", product=boot), line(merchant_a, "2.00", 10, product=sock),
          at=inside(week))  # fmt: skip
    order(line(merchant_a, "50.00", 2, product=tote), line(merchant_b, "900.00", product=rival),
          at=inside(week))  # fmt: skip

    top = tiles.top_products(merchant_a.pk, week)
    categories = tiles.top_categories(merchant_a.pk, week)

    assert [r["name"] for r in top["by_revenue"]] == ["Boot", "Tote", "Sock"]
    assert [r["name"] for r in top["by_units"]] == ["Sock", "Tote", "Boot"]
    assert top["by_revenue"][0]["revenue"] == Decimal("200.00")
    assert [(c["name"], c["revenue"], c["units"]) for c in categories] == [
        ("Shoes", Decimal("220.00"), 11),
        ("Bags", Decimal("100.00"), 2),
    ]


def test_reviews_of_the_merchants_products_in_the_period(merchant_a, merchant_b, week):
    own = ProductFactory(merchant=merchant_a)
    for rating in (5, 4):
        ReviewFactory(product=own, rating=rating)
    ReviewFactory(product=own, rating=1, is_published=False)
    ReviewFactory(product=ProductFactory(merchant=merchant_b), rating=1)
    old = ReviewFactory(product=own, rating=3)
    Review.objects.filter(pk=old.pk).update(created_at=before(week))

    result = tiles.reviews(merchant_a.pk, week)

    assert (result["count"], result["rating"]) == (2, 4.5)
    assert (result["previous_count"], result["previous_rating"]) == (1, 3)
    assert result["change"] == pytest.approx(1.0)


def test_low_stock_lists_only_the_merchants_rows(merchant_a, merchant_b):
    warehouse = WarehouseFactory(low_stock_threshold=5)
    own = StockFactory(
        warehouse=warehouse, variant__product__merchant=merchant_a, quantity=3, allocated=1
    )
    StockFactory(warehouse=warehouse, variant__product__merchant=merchant_a, quantity=50)
    StockFactory(warehouse=warehouse, variant__product__merchant=merchant_b, quantity=1)

    mine = tiles.low_stock_rows(merchant_a.pk)

    assert [row.pk for row in mine["rows"]] == [own.pk]
    assert mine["count"] == 1
    assert tiles.low_stock_rows(None)["count"] == 2


def test_low_stock_counts_beyond_the_rows_it_lists(merchant_a):
    warehouse = WarehouseFactory(low_stock_threshold=5)
    for _ in range(4):
        StockFactory(warehouse=warehouse, variant__product__merchant=merchant_a, quantity=1)

    result = tiles.low_stock_rows(merchant_a.pk, limit=3)

    assert (len(result["rows"]), result["count"], result["more"]) == (3, 4, 1)
    assert Stock.objects.count() == 4


def test_support_counts_only_conversations_waiting_for_the_merchant(merchant_a, merchant_b):
    shopper = UserFactory()
    for merchant, status in (
        (merchant_a, ConversationStatus.WAITING),
        (merchant_a, ConversationStatus.WAITING),
        (merchant_b, ConversationStatus.WAITING),
        (merchant_a, ConversationStatus.STAFF),
    ):
        Conversation.objects.create(user=shopper, merchant=merchant, status=status)

    assert tiles.support_waiting(merchant_a.pk) == 2
    assert tiles.support_waiting(None) == 3


def test_the_live_recommender_metrics(week):
    assert tiles.recommender() is None
    ModelVersion.objects.create(
        status=VersionStatus.LIVE,
        is_live=True,
        metrics={
            "als": {"ndcg@10": 0.3, "precision@10": 0.1, "coverage": 0.4},
            "popularity": {"ndcg@10": 0.1},
        },
    )

    live = tiles.recommender()

    assert live["ndcg"] == 0.3
    assert live["lift"] == pytest.approx(3.0)
    assert live["coverage"] == 0.4


def test_a_count_chart_labels_its_axis_with_whole_numbers():
    from insights import charts

    svg = charts.over_time(
        title="Orders", x_labels=["a", "b", "c"], current=[1, 0, 1], previous=[0, 0, 0], money=False
    )

    labels = re.findall(
        r'<text[^>]*class="[^"]*"[^>]*>([^<]*)</text>', svg.split('class="axis y')[1]
    )
    numbers = [label for label in labels if label.strip().isdigit()]
    assert numbers == sorted(set(numbers), key=int)
