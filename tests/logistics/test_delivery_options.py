"""delivery_options: the methods that serve an address, priced by zone and weight from the
warehouses that will ship, with their arrival dates; and stock_allocate choosing the same
warehouses for the destination."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from logistics import services
from logistics.models import NonWorkingDay, ShippingRate, StockMovement
from logistics.selectors import QuoteItem, delivery_options
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import (
    PUDONG_DISTRICT,
    TIANHE_GUANGZHOU,
    TIANSHAN_URUMQI,
    XIHU_HANGZHOU,
    StockFactory,
    delivery_methods,
    warehouse_guangzhou,
    warehouse_pudong,
)
from tests.logistics.test_services import line_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
THU_10AM = datetime(2027, 3, 4, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def methods():
    return delivery_methods()


def stocked(*warehouses, grams=800, quantity=10, merchant=None):
    extra = {"product__merchant": merchant} if merchant else {}
    variant = VariantFactory(weight_grams=grams, price=Decimal("50.00"), **extra)
    for warehouse in warehouses:
        StockFactory(variant=variant, warehouse=warehouse, quantity=quantity)
    return variant


def item(variant, quantity=1):
    return QuoteItem(variant.pk, variant.product.merchant_id, quantity, variant.price * quantity)


def options(region_code, *items, now=THU_10AM):
    return {
        o.method.code: o for o in delivery_options(region_code=region_code, items=items, now=now)
    }


def test_an_east_china_address_gets_express_next_day_and_no_local_delivery(methods):
    variant = stocked(warehouse_pudong())

    offered = options(XIHU_HANGZHOU, item(variant, 2))

    assert list(offered) == ["t-express"]  # 175 km: beyond the vans' 30 km
    express = offered["t-express"]
    assert express.price == Decimal("14.00")  # 1.6 kg: ¥12 the first kg + ¥2
    assert express.eta == date(2027, 3, 5)  # taken Thursday before the cutoff, arrives Friday


def test_a_remote_address_pays_the_remote_rate_and_waits_longer(methods):
    variant = stocked(warehouse_pudong())

    express = options(TIANSHAN_URUMQI, item(variant))["t-express"]

    assert express.price == Decimal("28.00")
    assert express.eta == date(2027, 3, 10)  # ~3,290 km: 4 days, +2 for the remote zone


def test_a_southern_address_is_served_from_the_nearest_warehouse_holding_everything(methods):
    pudong, guangzhou = warehouse_pudong(), warehouse_guangzhou()
    variant = stocked(pudong, guangzhou)

    express = options(TIANHE_GUANGZHOU, item(variant))["t-express"]

    assert [p.warehouse_id for p in express.parcels] == [guangzhou.pk]
    assert express.price == Decimal("18.00")
    assert express.eta == date(2027, 3, 5)


def test_after_the_cutoff_the_order_ships_the_next_day(methods):
    variant = stocked(warehouse_pudong())

    late = options(XIHU_HANGZHOU, item(variant), now=THU_10AM.replace(hour=16, minute=30))

    assert late["t-express"].eta == date(2027, 3, 6)


def test_a_non_working_day_moves_the_arrival(methods):
    variant = stocked(warehouse_pudong())
    NonWorkingDay.objects.create(date=date(2027, 3, 5), name="Closed")

    assert options(XIHU_HANGZHOU, item(variant))["t-express"].eta == date(2027, 3, 6)


def test_a_warehouse_with_two_handling_days_that_rests_at_weekends(methods):
    variant = stocked(warehouse_pudong(handling_days=2, works_weekends=False))

    # Taken Thu, handled Fri and Mon: ships Monday 8 March, arrives Tuesday.
    assert options(XIHU_HANGZHOU, item(variant))["t-express"].eta == date(2027, 3, 9)


def test_local_delivery_offers_the_days_slots_that_start_after_the_lead_time(methods):
    variant = stocked(warehouse_pudong())

    local = options(PUDONG_DISTRICT, item(variant))["t-local"]

    assert local.eta == date(2027, 3, 4)
    assert local.price == Decimal("15.00")
    assert [(s.start.hour, s.end.hour) for s in local.slots] == [(12, 15), (15, 18), (18, 21)]
    assert local.slot("2027-03-04T15:00").end == datetime(2027, 3, 4, 18, tzinfo=SHANGHAI)


def test_after_the_cutoff_local_delivery_is_the_next_day_with_all_its_slots(methods):
    variant = stocked(warehouse_pudong())

    evening = options(PUDONG_DISTRICT, item(variant), now=THU_10AM.replace(hour=19))["t-local"]

    assert evening.eta == date(2027, 3, 5)
    assert [s.start.hour for s in evening.slots] == [9, 12, 15, 18]


def test_no_local_delivery_when_the_days_slots_are_gone_before_the_cutoff(methods):
    variant = stocked(warehouse_pudong(cutoff_time=time(20, 0)))

    evening = options(PUDONG_DISTRICT, item(variant), now=THU_10AM.replace(hour=19))

    assert "t-local" not in evening
    assert "t-express" in evening


def test_each_merchant_is_a_parcel_priced_at_its_own_rates_or_the_shop_wide(methods):
    pudong = warehouse_pudong()
    a, b = stocked(pudong), stocked(pudong)
    ShippingRate.objects.create(
        method=methods["express"], merchant=a.product.merchant, max_weight_grams=5000,
        price=Decimal("5.00"),
    )  # fmt: skip

    express = options(XIHU_HANGZHOU, item(a), item(b))["t-express"]

    by_merchant = {p.merchant_id: p.price for p in express.parcels}
    assert by_merchant == {
        a.product.merchant_id: Decimal("5.00"),
        b.product.merchant_id: Decimal("12.00"),
    }
    assert express.price == Decimal("17.00")


def test_without_one_warehouse_holding_everything_the_order_ships_in_two_parcels(methods):
    pudong, guangzhou = warehouse_pudong(), warehouse_guangzhou()
    merchant_variant = stocked(pudong)
    other = stocked(guangzhou, merchant=merchant_variant.product.merchant)

    offered = options(PUDONG_DISTRICT, item(merchant_variant), item(other))

    assert "t-local" not in offered  # no warehouse nearby holds everything
    express = offered["t-express"]
    assert sorted(p.warehouse_id for p in express.parcels) == sorted([pudong.pk, guangzhou.pk])
    assert express.price == Decimal("24.00")
    assert express.eta == date(2027, 3, 6)  # Guangzhou to Shanghai: two days


def test_a_method_without_rates_for_the_zone_is_not_offered(methods):
    variant = stocked(warehouse_pudong())
    ShippingRate.objects.filter(method=methods["express"], zone__name="Remote").delete()

    assert "t-express" not in options(TIANSHAN_URUMQI, item(variant))
    assert "t-express" in options(XIHU_HANGZHOU, item(variant))


def test_nothing_is_offered_without_the_stock_or_a_known_district(methods):
    variant = stocked(warehouse_pudong(), quantity=1)

    assert options(XIHU_HANGZHOU, item(variant, 2)) == {}
    assert options("999999", item(variant)) == {}


# --- Allocation -----------------------------------------------------------------------------------


def test_allocation_takes_the_nearest_warehouse_with_everything_and_says_why():
    pudong, guangzhou = warehouse_pudong(), warehouse_guangzhou()
    variant = stocked(pudong, guangzhou)
    line = line_for(variant, 2)

    with transaction.atomic():
        allocations = services.stock_allocate(
            requests=[services.LineRequest(line.pk, variant.pk, 2)],
            destination=TIANHE_GUANGZHOU,
        )

    assert [a.stock.warehouse_id for a in allocations] == [guangzhou.pk]
    movement = StockMovement.objects.get(kind="allocated")
    assert movement.warehouse_id == guangzhou.pk
    assert movement.reason.startswith("nearest warehouse with every item, ")
    assert movement.reason.endswith(" km")


def test_allocation_splits_by_the_fewest_shipments_and_records_it():
    pudong, guangzhou = warehouse_pudong(), warehouse_guangzhou()
    a = stocked(pudong)
    b = stocked(guangzhou, merchant=a.product.merchant)
    line_a, line_b = line_for(a, 1), line_for(b, 1)

    with transaction.atomic():
        allocations = services.stock_allocate(
            requests=[
                services.LineRequest(line_a.pk, a.pk, 1),
                services.LineRequest(line_b.pk, b.pk, 1),
            ],
            destination=XIHU_HANGZHOU,
        )

    assert {(x.order_line_id, x.stock.warehouse_id) for x in allocations} == {
        (line_a.pk, pudong.pk),
        (line_b.pk, guangzhou.pk),
    }
    reasons = set(StockMovement.objects.values_list("reason", flat=True))
    assert len(reasons) == 1 and "fewest shipments (2)" in reasons.pop()


def test_a_warehouses_cutoff_is_a_time_of_day():
    assert warehouse_pudong().cutoff_time == time(16, 0)


def test_a_remote_zone_adds_its_days_even_to_a_method_priced_for_anywhere(methods):
    variant = stocked(warehouse_pudong())
    ShippingRate.objects.filter(method=methods["express"]).update(zone=None)
    ShippingRate.objects.filter(method=methods["express"]).exclude(price="12.00").delete()

    express = options(TIANSHAN_URUMQI, item(variant))["t-express"]

    assert express.price == Decimal("12.00")
    assert express.eta == date(2027, 3, 10)  # 4 days on the road, +2 for the remote zone
