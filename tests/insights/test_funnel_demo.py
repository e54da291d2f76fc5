"""seed_demo's funnel events agree with the orders and interactions it wrote."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from insights.models import EventKind, ShopperEvent
from orders.models import Order, OrderLine
from recommendations.models import Interaction

pytestmark = pytest.mark.django_db

TINY = ["--products", "60", "--users", "30", "--interactions", "2000", "--orders", "100"]
TINY += ["--images-per-leaf", "1", "--no-train"]


@pytest.fixture(autouse=True)
def sandbox_book(settings, tmp_path):
    settings.ALIPAY_SANDBOX = True
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"


@pytest.fixture
def seeded():
    call_command("seed_demo", *TINY, stdout=StringIO())


def test_every_order_is_checked_out_and_every_paid_order_paid_per_merchant(seeded):
    merchants_per_order = {
        row["order_id"]: row["n"]
        for row in OrderLine.objects.values("order_id").annotate(n=Count("merchant", distinct=True))
    }
    checkouts = Counter(
        ShopperEvent.objects.filter(kind=EventKind.CHECKOUT).values_list("order_id", flat=True)
    )
    paid = Counter(
        ShopperEvent.objects.filter(kind=EventKind.PAID).values_list("order_id", flat=True)
    )
    assert checkouts == Counter(merchants_per_order)
    paid_orders = set(Order.objects.filter(paid_at__isnull=False).values_list("pk", flat=True))
    assert set(paid) == paid_orders
    assert all(paid[pk] == merchants_per_order[pk] for pk in paid_orders)


def test_views_and_carts_are_the_interactions_and_channels_are_mixed(seeded):
    interactions = Counter(
        Interaction.objects.filter(kind__in=["view", "cart"]).values_list("kind", flat=True)
    )
    events = Counter(ShopperEvent.objects.values_list("kind", flat=True))
    # Every interaction, plus one last look per order line.
    assert events["cart"] == interactions["cart"]
    assert events["view"] == interactions["view"] + OrderLine.objects.count()
    assert len(set(ShopperEvent.objects.values_list("channel", flat=True))) >= 3


def test_a_session_has_one_channel_and_an_order_s_is_the_order_s(seeded):
    per_session = (
        ShopperEvent.objects.values("visitor", "session_start")
        .annotate(n=Count("channel", distinct=True))
        .filter(n__gt=1)
    )
    assert not per_session.exists()
    for event in ShopperEvent.objects.filter(kind=EventKind.CHECKOUT).select_related("order"):
        assert event.channel == event.order.channel
