"""The demo shop can be planned at once: every variant has supply terms, every warehouse a
capacity, and a plan of its history orders something within its budget."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import ProductVariant
from insights.services import replenishment as services
from logistics.models import SupplyTerms, Warehouse

pytestmark = pytest.mark.django_db

TINY = ["--products", "60", "--users", "30", "--interactions", "500", "--orders", "400"]
TINY += ["--images-per-leaf", "1", "--no-train"]


@pytest.fixture(autouse=True)
def sandbox(settings, tmp_path):
    settings.ALIPAY_SANDBOX = True
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"


def test_the_demo_has_supply_terms_and_capacities_and_can_be_planned():
    call_command("seed_demo", *TINY, stdout=StringIO())

    assert SupplyTerms.objects.count() == ProductVariant.objects.count()
    for terms in SupplyTerms.objects.select_related("variant")[:50]:
        assert Decimal("0") < terms.unit_cost < terms.variant.price
        assert 3 <= terms.lead_time_days <= 14 and terms.case_pack >= 1
    assert not Warehouse.objects.filter(capacity_units__isnull=True).exists()
    warehouse = Warehouse.objects.order_by("pk").first()

    plan = services.replenishment_plan_make(
        warehouse=warehouse, merchant=None, budget="20000", horizon_days=28
    )

    assert plan.lines.exists()
    assert plan.cost <= Decimal("20000")
    assert not plan.lines.filter(cost_estimated=True).exists()
