"""The funnel page in admin: its counts are the recorded events', its Markov rows sum to one, it
is scoped to the merchant, and bad input gets a message."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.funnel import markov
from insights.models import EventKind, ShopperEvent
from insights.selectors.funnel import FunnelQuery, funnel_step_counts, funnel_walks
from tests.accounts.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "admin:insights_funnel"
V, C, K, P = EventKind.VIEW, EventKind.CART, EventKind.CHECKOUT, EventKind.PAID


def session(visitor: str, start: datetime, kinds, *, merchant, channel="web", order=None):
    """One session's events a minute apart."""
    for n, kind in enumerate(kinds):
        ShopperEvent.objects.create(
            visitor=visitor,
            session_start=start,
            created_at=start + timedelta(minutes=n),
            kind=kind,
            merchant=merchant,
            channel=channel,
            order_id=order if kind in (K, P) else None,
        )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def recent(today):
    zone = timezone.get_current_timezone()
    return datetime.combine(today - timedelta(days=2), datetime.min.time(), tzinfo=zone).replace(
        hour=10
    )


@pytest.fixture
def shop(merchant_a, merchant_b, recent):
    """A's sessions: 4 views, 2 carts, 1 checkout, 1 paid; B's: 3 views, 3 carts, 0 further."""
    session("u1", recent, [V, V, C, K, P], merchant=merchant_a)
    session("u2", recent, [V], merchant=merchant_a, channel="app")
    session("s-x", recent, [V, C], merchant=merchant_a, channel="app")
    session("u3", recent + timedelta(hours=1), [V, V, V], merchant=merchant_a)
    for n in range(3):
        session(f"u{10 + n}", recent, [V, C], merchant=merchant_b, channel="partner")
    # A checkout with no view in the session counts at no step.
    session("u9", recent, [C, K], merchant=merchant_a)


def test_funnel_counts_equal_the_recorded_events(shop, merchant_a, today):
    query = FunnelQuery(today - timedelta(days=6), today, merchant_a.pk)

    counts = funnel_step_counts(query)

    assert {k: counts[k] for k in markov.STEPS} == {"view": 4, "cart": 2, "checkout": 1, "paid": 1}
    assert counts["sessions"] == 5
    walks, capped = funnel_walks(query)
    assert not capped
    # The same counts from the events loaded one by one, through the maths module.
    assert markov.funnel_counts(walks) == {k: counts[k] for k in markov.STEPS}


def test_funnel_counts_by_channel_and_all_merchants(shop, today):
    everyone = funnel_step_counts(FunnelQuery(today - timedelta(days=6), today))
    app = funnel_step_counts(FunnelQuery(today - timedelta(days=6), today, channel="app"))
    assert (everyone["view"], everyone["cart"]) == (7, 5)
    assert (app["view"], app["cart"], app["checkout"]) == (2, 1, 0)


def test_a_session_outside_the_period_is_not_counted(shop, merchant_a, today, recent):
    session("u50", recent - timedelta(days=30), [V, C], merchant=merchant_a)
    counts = funnel_step_counts(FunnelQuery(today - timedelta(days=6), today, merchant_a.pk))
    previous = funnel_step_counts(FunnelQuery(today - timedelta(days=6), today).previous())
    assert counts["view"] == 4
    assert previous["view"] == 0


def test_the_markov_cap_keeps_the_most_recent_whole_sessions(shop, merchant_a, today):
    query = FunnelQuery(today - timedelta(days=6), today, merchant_a.pk)
    walks, capped = funnel_walks(query, cap=4)
    # u3's three views are the newest session; the next one was cut by the cap: left out.
    assert capped
    assert walks == [["view", "view", "view"]]


def test_merchant_staff_see_their_own_funnel_only(client, shop, merchant_a):
    staff = StaffFactory(merchant=merchant_a)
    client.force_login(staff)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    report = response.context["report"]
    assert report.query.merchant_id == merchant_a.pk
    assert report.steps["view"] == 4 and report.steps["cart"] == 2
    # B's three partner sessions are nowhere: the partner row is empty.
    partner = dict(report.by_channel)["partner"]
    assert partner["view"] == 0
    assert "merchant" not in response.context["form"].fields
    # Picking another merchant in the address is ignored for staff.
    other = client.get(reverse(URL), {"period": "7", "merchant": shop_b_id(shop)})
    assert other.context["report"].query.merchant_id == merchant_a.pk


def shop_b_id(_shop) -> int:
    from accounts.models import Merchant

    return Merchant.objects.get(slug="bravo").pk


def test_the_operator_sees_every_merchant_and_can_pick_one(client, shop, merchant_b):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    everyone = client.get(reverse(URL))
    one = client.get(reverse(URL), {"period": "30", "merchant": merchant_b.pk})

    assert everyone.context["report"].steps["view"] == 7
    assert one.context["report"].steps == {
        "view": 3,
        "cart": 3,
        "checkout": 0,
        "paid": 0,
        "sessions": 3,
    }


def test_the_page_shows_the_matrix_paths_and_a_script_free_chart(client, shop, merchant_a):
    client.force_login(StaffFactory(merchant=merchant_a))

    response = client.get(reverse(URL), {"period": "7"})

    html = response.content.decode()
    for row in response.context["report"].markov.matrix:
        assert sum(row) == pytest.approx(1.0)
    start = html.index('<div class="funnel-chart insights-chart">')
    svg = html[start : html.index("</div>", start)]
    assert "<svg" in svg and "<title>" in svg
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert "cdn" not in svg.lower()
    assert "Start → View → Cart → Checkout → Paid" in html
    assert 'class="heat-' in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "custom", "start": "2026-05-02", "end": "2026-05-01"}, "comes after"),
        ({"period": "custom", "start": "2026-05-02"}, "Give both dates"),
        ({"period": "custom", "start": "2024-01-01", "end": "2026-05-01"}, "at most"),
        ({"period": "custom", "start": "not-a-date", "end": "2026-05-01"}, "valid date"),
        ({"period": "365"}, "valid choice"),
        ({"channel": "fax"}, "valid choice"),
    ],
)
def test_bad_input_gets_a_message_not_an_error(client, merchant_a, params, message):
    client.force_login(StaffFactory(merchant=merchant_a))

    response = client.get(reverse(URL), params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "report" not in response.context


def test_staff_without_a_merchant_cannot_open_it(client):
    client.force_login(StaffFactory(merchant=None))
    assert client.get(reverse(URL)).status_code == 403


def test_the_page_is_a_fixed_number_of_queries(
    client, shop, merchant_a, django_assert_max_num_queries
):
    client.force_login(StaffFactory(merchant=merchant_a))
    with django_assert_max_num_queries(20):
        client.get(reverse(URL), {"period": "90"})
