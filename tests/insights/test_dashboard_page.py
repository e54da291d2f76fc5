"""The staff dashboard on the admin index: scoped to the viewer's merchant, the operator's
merchant picker, bad input, the cache, both languages, and a bounded number of queries."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from insights.selectors import dashboard as tiles
from orders.models import OrderStatus
from tests.accounts.factories import StaffFactory, UserFactory

from .dashboard_givens import line, order, refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_a(merchant_a):
    return StaffFactory(merchant=merchant_a)


@pytest.fixture
def operator():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def sales(merchant_a, merchant_b):
    """This week: Alpha sold 123.45 and Bravo 987.65, partly in one shared order."""
    week = tiles.period_for("week")
    at = week.start + timedelta(hours=2)
    order(line(merchant_a, "100.00"), line(merchant_b, "900.00"), at=at)
    order(line(merchant_a, "23.45"), line(merchant_b, "87.65"), at=at)


def index(client, query: str = "", language: str = "en") -> str:
    with translation.override(language):
        url = reverse("admin:index")
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def tile(html: str, name: str) -> str:
    block = html[html.index(f'id="tile-{name}"') :]
    return block[: block.index("</div>")]


def test_merchant_staff_see_their_own_revenue_not_another_merchants(client, staff_a, sales):
    client.force_login(staff_a)

    html = index(client)

    assert "¥123.45" in tile(html, "revenue")
    assert "987.65" not in html
    assert "1,111.10" not in html
    assert "Bravo" not in html  # no merchant picker either


def test_merchant_staff_asking_for_another_merchant_still_see_only_their_own(
    client, staff_a, merchant_b, sales
):
    client.force_login(staff_a)

    html = index(client, f"?merchant={merchant_b.pk}")

    assert "¥123.45" in tile(html, "revenue")
    assert "987.65" not in html
    assert "You can see your own merchant&#x27;s figures only." in html


def test_the_operator_sees_the_whole_shop_and_picks_a_merchant(
    client, operator, merchant_a, merchant_b, sales
):
    client.force_login(operator)

    whole = index(client)
    bravo = index(client, f"?merchant={merchant_b.pk}&period=week")

    assert "¥1,111.10" in tile(whole, "revenue")
    assert f'<option value="{merchant_b.pk}">Bravo</option>' in whole
    assert "¥987.65" in tile(bravo, "revenue")
    assert f'<option value="{merchant_b.pk}" selected>Bravo</option>' in bravo
    assert "Dashboard: Bravo" in bravo


@pytest.mark.parametrize("asked", ["999999", "bravo", "-1", "²", "1e3", "9" * 30])
def test_an_unknown_merchant_says_so_and_shows_the_whole_shop(client, operator, sales, asked):
    client.force_login(operator)

    html = index(client, f"?merchant={asked}")

    assert f"There is no merchant &quot;{asked}&quot;; showing the whole shop." in html
    assert "¥1,111.10" in tile(html, "revenue")


def test_an_unknown_period_says_so_and_shows_the_week(client, staff_a, sales):
    client.force_login(staff_a)

    html = index(client, "?period=year")

    assert "There is no period &quot;year&quot;; showing the last 7 days." in html
    assert 'href="?period=week" aria-current="page"' in html


def test_each_period_renders_with_its_comparison(client, staff_a, merchant_a):
    day = tiles.period_for("day")
    order(line(merchant_a, "40.00"), at=day.start + timedelta(hours=1))
    order(line(merchant_a, "10.00"), at=day.previous + timedelta(hours=1))
    client.force_login(staff_a)

    html = index(client, "?period=day")

    revenue = tile(html, "revenue")
    assert "¥40.00" in revenue
    assert "+300%" in revenue
    assert "¥10.00" in revenue


def test_the_period_links_keep_the_operators_merchant(client, operator, merchant_b):
    client.force_login(operator)

    html = index(client, f"?merchant={merchant_b.pk}&period=month")

    assert f'href="?period=day&amp;merchant={merchant_b.pk}"' in html
    assert f'href="?period=month&amp;merchant={merchant_b.pk}" aria-current="page"' in html
    assert '<input type="hidden" name="period" value="month">' in html


def test_a_falling_refund_rate_is_good_news(client, staff_a, merchant_a):
    week = tiles.period_for("week")
    earlier = order(line(merchant_a, "100.00"), at=week.previous + timedelta(hours=1))
    order(line(merchant_a, "100.00"), at=week.start + timedelta(hours=1))
    refund(earlier, "50.00", merchant=merchant_a, at=week.previous + timedelta(hours=2))
    client.force_login(staff_a)

    refund_tile = tile(index(client), "refund-rate")

    assert "-50.0 pt" in refund_tile
    assert "dash-down dash-good" in refund_tile


def test_staff_without_a_merchant_get_no_dashboard(client):
    client.force_login(UserFactory(is_staff=True))

    html = index(client)

    assert 'id="insights-dashboard"' not in html


def test_the_cache_gives_the_same_page_and_keeps_the_figures_for_its_time(
    client, settings, staff_a, merchant_a, sales
):
    client.force_login(staff_a)
    settings.INSIGHTS_DASHBOARD_CACHE_SECONDS = 0
    uncached = tile(index(client), "revenue")
    settings.INSIGHTS_DASHBOARD_CACHE_SECONDS = 60
    cached = tile(index(client), "revenue")

    order(line(merchant_a, "1000.00"), at=tiles.period_for("week").start + timedelta(hours=3))
    still = tile(index(client), "revenue")
    settings.INSIGHTS_DASHBOARD_CACHE_SECONDS = 0
    fresh = tile(index(client), "revenue")

    assert uncached == cached == still
    assert "¥123.45" in cached
    assert "¥1,123.45" in fresh


def test_the_cache_is_kept_per_merchant_period_and_language(settings, merchant_a, merchant_b):
    settings.INSIGHTS_DASHBOARD_CACHE_SECONDS = 60
    week = tiles.period_for("week")
    order(line(merchant_a, "5.00"), line(merchant_b, "7.00"), at=week.start + timedelta(hours=1))

    a = tiles.dashboard(merchant_a.pk, "week")
    b = tiles.dashboard(merchant_b.pk, "week")
    shop = tiles.dashboard(None, "week")

    assert a["sales"]["current"]["revenue"] == Decimal("5.00")
    assert b["sales"]["current"]["revenue"] == Decimal("7.00")
    assert shop["sales"]["current"]["revenue"] == Decimal("12.00")
    assert len({tiles.cache_key(None, "week", lang) for lang in ("en", "zh-hans")}) == 2


def test_the_page_renders_in_chinese_with_its_charts(client, staff_a, sales):
    client.force_login(staff_a)

    html = index(client, language="zh-hans")

    assert '<html lang="zh-hans"' in html
    assert html.count('<svg role="img"') >= 4
    assert "¥123.45" in tile(html, "revenue")


def test_the_charts_carry_no_script_nor_inline_style(client, staff_a, sales):
    client.force_login(staff_a)

    html = index(client)
    dashboard = html[html.index('id="insights-dashboard"') : html.index('id="low-stock"')]

    assert "<svg" in dashboard
    assert "<script" not in dashboard
    assert "<style" not in dashboard
    assert not re.search(r"\sstyle=", dashboard)
    assert "cdn" not in dashboard.lower()


def test_the_links_show_only_the_insight_pages_that_exist(client, staff_a):
    client.force_login(staff_a)

    html = index(client)
    strip = html[html.index('class="dash-links"') :]
    strip = strip[: strip.index("</nav>")]

    assert reverse("admin:insights_insightjob_changelist") in strip
    assert strip.count("<a ") == len(
        [n for n, _ in __import__("insights.admin.dashboard").admin.dashboard.INSIGHT_LINKS
         if _reverses(n)]
    )  # fmt: skip


def _reverses(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_the_dashboard_is_a_bounded_number_of_queries(
    client, settings, staff_a, merchant_a, django_assert_max_num_queries
):
    settings.INSIGHTS_DASHBOARD_CACHE_SECONDS = 0
    client.force_login(staff_a)
    week = tiles.period_for("week")
    order(line(merchant_a, "5.00"), at=week.start + timedelta(hours=1))
    with django_assert_max_num_queries(60) as few:
        index(client)
    for hour in range(2, 40):
        order(
            line(merchant_a, "5.00"),
            line(merchant_a, "6.00"),
            at=week.start + timedelta(hours=hour),
            status=OrderStatus.SHIPPED if hour % 2 else OrderStatus.PAID,
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        index(client)


def test_the_channel_table_of_the_last_30_days_counts_only_the_merchants_lines(
    client, staff_a, sales
):
    client.force_login(staff_a)

    html = index(client)
    block = html[html.index('id="orders-by-channel"') :]
    block = block[: block.index("</div>")]

    assert "123.45" in block
    assert "987.65" not in block
    assert "1111.10" not in block


def test_counts_are_written_with_thousands_separators(client, staff_a, monkeypatch):
    monkeypatch.setattr(
        tiles, "low_stock_rows", lambda merchant_id: {"rows": [], "count": 65332, "more": 65332}
    )
    client.force_login(staff_a)
    html = index(client)
    assert "65,332" in tile(html, "low-stock")
    assert "65332" not in tile(html, "low-stock")


def test_the_chinese_dashboard_writes_money_as_the_shop_does(client, staff_a, sales):
    """Charts and the channel table too, not only the tiles: ¥123.45, never a bare 123.45."""
    client.force_login(staff_a)

    html = index(client, language="zh-hans")

    charts = re.findall(r'<div class="insights-chart">(.*?)</svg></div>', html, re.S)
    revenue, top = charts[0], charts[-1]
    assert "<desc>本周期：¥123.45。上一周期：¥0.00。</desc>" in revenue  # noqa: RUF001
    assert re.search(r">¥[\d,]+\.00</text>", revenue)  # the axis
    assert re.search(r"<desc>[^<]*: ¥100\.00; [^<]*: ¥23\.45</desc>", top)
    channels = html[html.index('id="orders-by-channel"') :]
    channels = channels[: channels.index("</table>")]
    assert '<td class="number">¥123.45</td>' in channels
    assert not re.findall(r'<td class="number">[\d,]+\.\d\d</td>', channels)
