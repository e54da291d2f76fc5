"""The nightly shopper profiles (recommendations.build_user_profiles): top categories, price band
and RFM segment, from purchase data built here, each expected value worked out by hand."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from recommendations.models import Interaction, InteractionKind, PriceBand, Segment, UserProfile
from recommendations.services.profiles import user_profiles_build
from recommendations.tasks import build_user_profiles
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def catalog(make_product):
    """Four categories whose median prices are: shoes 200, books 30, toys 50, garden 80."""
    shoes, books, toys, garden = (CategoryFactory() for _ in range(4))

    def at(category, price: str):
        return make_product(category=category, prices=(Decimal(price),))

    return {
        "shoes": shoes,
        "books": books,
        "toys": toys,
        "garden": garden,
        "shoe_100": at(shoes, "100.00"),
        "shoe_200": at(shoes, "200.00"),
        "shoe_300": at(shoes, "300.00"),
        "book_20": at(books, "20.00"),
        "book_40": at(books, "40.00"),
        "toy_50": at(toys, "50.00"),
        "rake_80": at(garden, "80.00"),
    }


def interact(user, product, kind: str, times: int = 1) -> None:
    for _ in range(times):
        Interaction.objects.create(user=user, product=product, kind=kind, created_at=NOW)


def order(
    user, *, days_ago: int, total: str, status: str = OrderStatus.PAID, now: datetime = NOW
) -> Order:
    return Order.objects.create(
        user=user,
        email=user.email,
        status=status,
        subtotal=Decimal(total),
        total=Decimal(total),
        created_at=now - timedelta(days=days_ago),
    )


def test_top_categories_are_the_three_with_the_heaviest_interactions(catalog):
    shopper = UserFactory()
    # Weights: a view or search click 1, a cart addition or review 3, a purchase 5.
    interact(shopper, catalog["shoe_300"], InteractionKind.PURCHASE, times=2)  # shoes 10
    interact(shopper, catalog["book_40"], InteractionKind.CART)  # books 3
    interact(shopper, catalog["toy_50"], InteractionKind.VIEW, times=2)  # toys 2
    interact(shopper, catalog["rake_80"], InteractionKind.SEARCH_CLICK)  # garden 1: fourth

    build_user_profiles()

    profile = UserProfile.objects.get(user=shopper)
    assert profile.top_categories == [
        catalog["shoes"].pk,
        catalog["books"].pk,
        catalog["toys"].pk,
    ]


@pytest.mark.parametrize(
    ("history", "band"),
    [
        # Ratios to the category median: 300/200 = 1.5, 300/200 = 1.5, 40/30 = 1.33 -> 1.5
        ([("shoe_300", "purchase"), ("shoe_300", "purchase"), ("book_40", "cart")], "premium"),
        # 100/200 = 0.5, 20/30 = 0.67 -> median 0.58
        ([("shoe_100", "purchase"), ("book_20", "cart")], "budget"),
        # 200/200 = 1.0, 20/30 = 0.67, 300/200 = 1.5 -> median 1.0
        ([("shoe_200", "cart"), ("book_20", "purchase"), ("shoe_300", "cart")], "mid"),
        # Views say nothing of what a shopper pays (40/30 would be premium): mid
        ([("book_40", "view"), ("shoe_300", "view")], "mid"),
    ],
)
def test_the_price_band_is_the_median_price_ratio_of_what_was_carted_or_bought(
    catalog, history, band
):
    shopper = UserFactory()
    for product, kind in history:
        interact(shopper, catalog[product], kind)

    build_user_profiles()

    assert UserProfile.objects.get(user=shopper).price_band == PriceBand(band)


@pytest.mark.parametrize(
    ("days_ago", "segment"),
    [
        ((2, 10, 25), Segment.CHAMPION),  # ordered within 30 days, three orders
        ((40, 50, 60), Segment.LOYAL),  # three orders, the last 40 days ago
        ((10,), Segment.NEW),  # one order, 10 days ago
        ((60,), Segment.REGULAR),  # one order, 60 days ago
        ((100, 120), Segment.AT_RISK),  # two orders, none for over 90 days
        ((200, 300, 400), Segment.HIBERNATING),  # none for over 180 days
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v)),
)
def test_the_rfm_segment_follows_recency_and_frequency_of_paid_orders(catalog, days_ago, segment):
    shopper = UserFactory()
    for age in days_ago:
        order(shopper, days_ago=age, total="100.00")

    user_profiles_build(now=NOW)

    profile = UserProfile.objects.get(user=shopper)
    assert profile.segment == segment
    assert profile.recency_days == min(days_ago)
    assert profile.frequency == len(days_ago)
    assert profile.monetary == Decimal("100.00") * len(days_ago)


def test_unpaid_cancelled_and_refunded_orders_do_not_count(catalog):
    shopper = UserFactory()
    order(shopper, days_ago=100, total="80.00")
    order(shopper, days_ago=120, total="40.00")
    # Were these counted, the shopper would be a champion (three orders, the last 3 days ago).
    order(shopper, days_ago=3, total="500.00", status=OrderStatus.CANCELLED)
    order(shopper, days_ago=4, total="500.00", status=OrderStatus.PENDING_PAYMENT)
    order(shopper, days_ago=5, total="500.00", status=OrderStatus.REFUNDED)

    user_profiles_build(now=NOW)

    profile = UserProfile.objects.get(user=shopper)
    assert (profile.segment, profile.recency_days, profile.frequency, profile.monetary) == (
        Segment.AT_RISK,
        100,
        2,
        Decimal("120.00"),
    )


def test_a_shopper_who_only_browsed_is_a_browser_without_rfm(catalog):
    shopper = UserFactory()
    interact(shopper, catalog["book_20"], InteractionKind.VIEW, times=3)

    user_profiles_build(now=NOW)

    profile = UserProfile.objects.get(user=shopper)
    assert (profile.segment, profile.recency_days, profile.frequency, profile.monetary) == (
        Segment.BROWSER,
        None,
        0,
        Decimal("0.00"),
    )
    assert profile.top_categories == [catalog["books"].pk]


def test_the_nightly_task_profiles_each_shopper_with_a_history_and_updates_them(catalog):
    # The task reckons recency from the present.
    browser, buyer, stranger = UserFactory(), UserFactory(), UserFactory()
    interact(browser, catalog["toy_50"], InteractionKind.VIEW)
    order(buyer, days_ago=1, total="60.00", now=timezone.now())

    assert build_user_profiles() == 2  # the stranger has no history: no profile
    assert not UserProfile.objects.filter(user=stranger).exists()
    assert UserProfile.objects.get(user=buyer).segment == Segment.NEW

    order(buyer, days_ago=1, total="60.00", now=timezone.now())
    order(buyer, days_ago=1, total="60.00", now=timezone.now())
    assert build_user_profiles() == 2

    assert UserProfile.objects.filter(user=buyer).count() == 1
    profile = UserProfile.objects.get(user=buyer)
    assert (profile.segment, profile.frequency, profile.monetary) == (
        Segment.CHAMPION,
        3,
        Decimal("180.00"),
    )
