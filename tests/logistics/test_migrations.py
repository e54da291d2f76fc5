"""The data migration that turns each delivery method's flat price into a shop-wide rate row for
every address and weight, and back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("logistics", "0006_delivery_rates")
AFTER = ("logistics", "0007_delivery_rates_from_flat_prices")


def migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def flat_methods(transactional_db):
    apps = migrate(BEFORE)
    Method = apps.get_model("logistics", "ShippingMethod")
    Method.objects.all().delete()
    Method.objects.create(
        code="standard", name="Standard", price=Decimal("12.00"), free_above=Decimal("199.00")
    )
    Method.objects.create(code="courier", name="Courier", price=Decimal("30.00"))
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_each_flat_price_becomes_one_shop_wide_rate_for_anywhere(flat_methods):
    apps = migrate(AFTER)

    Rate = apps.get_model("logistics", "ShippingRate")
    rows = {
        r.method.code: (r.zone_id, r.merchant_id, r.price, r.per_kg_above, r.free_above)
        for r in Rate.objects.select_related("method")
    }
    assert rows == {
        "standard": (None, None, Decimal("12.00"), Decimal("0.00"), Decimal("199.00")),
        "courier": (None, None, Decimal("30.00"), Decimal("0.00"), None),
    }
    standard = apps.get_model("logistics", "ShippingMethod").objects.get(code="standard")
    assert (standard.base_days, standard.base_km) == (2, 500)


def test_reversed_the_flat_price_comes_back_from_the_rate(flat_methods):
    apps = migrate(AFTER)
    apps.get_model("logistics", "ShippingRate").objects.filter(method__code="courier").update(
        price=Decimal("28.00")
    )

    apps = migrate(BEFORE)

    Method = apps.get_model("logistics", "ShippingMethod")
    assert Method.objects.get(code="courier").price == Decimal("28.00")
