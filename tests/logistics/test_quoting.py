"""Delivery quoting without Django: the warehouse plan, the rate of a parcel, ETA dates and local
delivery slots. Distances are real ones, from the region table."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts import regions
from logistics.quoting import (
    Calendar,
    Handling,
    RateRow,
    Speed,
    Take,
    WarehouseStock,
    Zone,
    arrival_date,
    open_slots,
    parcel_price,
    parse_slots,
    plan_shipments,
    ship_date,
    zone_for,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Warehouses of the demo shop and districts to deliver to.
PUDONG = (31.1942, 121.7009)
CHENGDU = (30.5583, 103.9237)
GUANGZHOU = (23.2412, 113.2731)


def km(warehouse: tuple[float, float], district_code: str) -> float:
    place = regions.district(district_code)
    return regions.distance_km(*warehouse, place.latitude, place.longitude)


XIHU_HANGZHOU = "330106"
HAIDIAN_BEIJING = "110108"
TIANHE_GUANGZHOU = "440106"
TIANSHAN_URUMQI = "650102"


# --- The plan -----------------------------------------------------------------------------------


def test_the_whole_order_comes_from_the_nearest_warehouse_that_holds_all_of_it():
    to = TIANHE_GUANGZHOU
    warehouses = [
        WarehouseStock(1, km(PUDONG, to), {10: 5, 11: 5}),
        WarehouseStock(2, km(GUANGZHOU, to), {10: 5, 11: 5}),
        WarehouseStock(3, km(CHENGDU, to), {10: 5, 11: 5}),
    ]

    plan = plan_shipments({10: 2, 11: 1}, warehouses)

    assert plan.rule == "single"
    assert set(plan.takes) == {Take(2, 10, 2), Take(2, 11, 1)}
    assert plan.reason.startswith("nearest warehouse with every item, ")
    assert plan.reason.endswith(f"{km(GUANGZHOU, to):.0f} km")


def test_a_farther_warehouse_with_everything_beats_a_nearer_one_with_part():
    to = TIANHE_GUANGZHOU
    warehouses = [
        WarehouseStock(1, km(PUDONG, to), {10: 5, 11: 5}),
        WarehouseStock(2, km(GUANGZHOU, to), {10: 5, 11: 0}),
    ]

    plan = plan_shipments({10: 2, 11: 1}, warehouses)

    assert plan.warehouse_ids == [1]
    assert plan.rule == "single"


def test_without_a_whole_order_warehouse_the_fewest_shipments_then_the_nearest():
    # Three can share the order; two pairs cover it: {1, 3} and {2, 3}; {2, 3} is nearer.
    warehouses = [
        WarehouseStock(1, 1200.0, {10: 2}),
        WarehouseStock(2, 30.0, {10: 2}),
        WarehouseStock(3, 900.0, {11: 1}),
        WarehouseStock(4, 10.0, {10: 1}),
    ]

    plan = plan_shipments({10: 2, 11: 1}, warehouses)

    assert plan.rule == "split"
    assert sorted(plan.takes, key=lambda t: t.warehouse_id) == [Take(2, 10, 2), Take(3, 11, 1)]
    assert "fewest shipments (2)" in plan.reason


def test_a_line_is_split_nearest_first_when_no_warehouse_holds_all_its_units():
    warehouses = [WarehouseStock(1, 500.0, {10: 3}), WarehouseStock(2, 50.0, {10: 2})]

    plan = plan_shipments({10: 4}, warehouses)

    assert set(plan.takes) == {Take(2, 10, 2), Take(1, 10, 2)}


def test_no_plan_when_all_warehouses_together_fall_short():
    warehouses = [WarehouseStock(1, 10.0, {10: 1}), WarehouseStock(2, 20.0, {10: 1})]

    assert plan_shipments({10: 3}, warehouses) is None


def test_at_unknown_distances_the_warehouse_with_more_available_ships():
    warehouses = [WarehouseStock(1, None, {10: 4}), WarehouseStock(2, None, {10: 9})]

    assert plan_shipments({10: 3}, warehouses).warehouse_ids == [2]


# --- Rates --------------------------------------------------------------------------------------

EAST, REMOTE = 1, 2
ZONES = [
    Zone(EAST, frozenset({"310000", "320000", "330000"})),
    Zone(REMOTE, frozenset({"650000", "540000"}), extra_days=2),
]
STANDARD = [
    # East China: ¥8 the first kg, ¥10 up to 3 kg, then ¥2 each started kg.
    RateRow(EAST, None, 1000, Decimal("8.00")),
    RateRow(EAST, None, 3000, Decimal("10.00"), per_kg_above=Decimal("2.00")),
    # Remote: ¥20, ¥12 each started kg above 1 kg.
    RateRow(REMOTE, None, 1000, Decimal("20.00"), per_kg_above=Decimal("12.00")),
    # Anywhere else: ¥12, ¥5 each started kg above 1 kg; free from ¥199 of goods.
    RateRow(None, None, 1000, Decimal("12.00"), Decimal("5.00"), Decimal("199.00")),
]


def price(weight: int, province: str, *, merchant=None, rows=STANDARD, value="50.00", order=None):
    zone = zone_for(province, ZONES)
    quoted = parcel_price(
        rows=rows,
        zone_id=zone.zone_id if zone else None,
        merchant_id=merchant,
        weight_grams=weight,
        merchant_value=Decimal(value),
        order_value=Decimal(order or value),
    )
    return quoted.amount if quoted else None


@pytest.mark.parametrize(
    ("grams", "expected"),
    [
        (1, "8.00"),
        (1000, "8.00"),  # the edge belongs to the band
        (1001, "10.00"),
        (3000, "10.00"),
        (3001, "12.00"),  # a started kg above the last band
        (4000, "12.00"),
        (4001, "14.00"),
    ],
)
def test_a_parcel_pays_the_band_its_weight_falls_in(grams, expected):
    assert price(grams, "330000") == Decimal(expected)


def test_each_zone_has_its_own_prices_and_other_provinces_pay_the_rate_for_anywhere():
    assert price(2500, "650000") == Decimal("44.00")  # Xinjiang: 20 + 2 x 12
    assert price(2500, "440000") == Decimal("22.00")  # Guangdong: 12 + 2 x 5


def test_a_method_without_a_rate_for_the_zone_or_anywhere_does_not_serve_it():
    east_only = [r for r in STANDARD if r.zone_id == EAST]

    assert price(500, "650000", rows=east_only) is None
    assert price(500, "310000", rows=east_only) == Decimal("8.00")


def test_a_merchants_own_rates_come_before_the_shop_wide_ones():
    rows = [*STANDARD, RateRow(EAST, 7, 5000, Decimal("6.00"))]

    assert price(800, "330000", merchant=7, rows=rows) == Decimal("6.00")
    assert price(800, "330000", merchant=8, rows=rows) == Decimal("8.00")
    # The merchant has no row for Guangdong: the shop-wide rate for anywhere applies.
    assert price(800, "440000", merchant=7, rows=rows) == Decimal("12.00")


def test_a_shop_wide_threshold_counts_the_whole_order_a_merchants_only_its_goods():
    merchant_rows = [*STANDARD, RateRow(None, 7, 1000, Decimal("9.00"), free_above=Decimal("99"))]

    assert price(500, "440000", value="150.00", order="199.00") == Decimal("0.00")
    assert price(500, "440000", value="150.00", order="198.99") == Decimal("12.00")
    assert price(500, "440000", merchant=7, rows=merchant_rows, value="99.00") == Decimal("0.00")
    assert price(
        500, "440000", merchant=7, rows=merchant_rows, value="98.00", order="500.00"
    ) == Decimal("9.00")


# --- Dates --------------------------------------------------------------------------------------

THU = date(2027, 3, 4)  # a Thursday
WAREHOUSE = Handling(handling_days=1, cutoff=time(16, 0), works_weekends=False)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def test_an_order_before_the_cutoff_is_taken_that_day_after_it_the_next():
    assert ship_date(at(THU, 15, 59), WAREHOUSE, Calendar()) == date(2027, 3, 5)  # Fri
    # Taken Friday, handled over the weekend the warehouse does not work: ships Monday.
    assert ship_date(at(THU, 16, 0), WAREHOUSE, Calendar()) == date(2027, 3, 8)


def test_a_warehouse_that_works_weekends_ships_on_saturday():
    works = Handling(handling_days=1, cutoff=time(16, 0), works_weekends=True)

    assert ship_date(at(THU, 17), works, Calendar()) == date(2027, 3, 6)


def test_a_non_working_day_is_skipped_in_handling_and_in_transit():
    # Qingming 2027: Monday 5 April off.
    calendar = Calendar(frozenset({date(2027, 4, 5)}))
    friday = date(2027, 4, 2)

    shipped = ship_date(at(friday, 10), WAREHOUSE, calendar)
    arrives = arrival_date(shipped, 2, calendar)

    assert shipped == date(2027, 4, 6)  # Fri taken, Sat/Sun not worked, Mon a holiday
    assert arrives == date(2027, 4, 8)
    # In transit: shipped Saturday from a weekend warehouse, the holiday does not count.
    assert arrival_date(date(2027, 4, 3), 2, calendar) == date(2027, 4, 6)


def test_a_parcel_does_not_arrive_on_a_non_working_day():
    calendar = Calendar(frozenset({date(2027, 3, 5)}))

    assert arrival_date(THU, 0, calendar) == THU
    assert arrival_date(date(2027, 3, 5), 0, calendar) == date(2027, 3, 6)


EXPRESS = Speed(base_days=1, base_km=500, km_per_extra_day=1000)
ECONOMY = Speed(base_days=2, base_km=300, km_per_extra_day=800)


def test_transit_days_grow_with_distance_and_remote_zones_add_their_days():
    hangzhou = km(PUDONG, XIHU_HANGZHOU)
    beijing = km(PUDONG, HAIDIAN_BEIJING)
    urumqi = km(PUDONG, TIANSHAN_URUMQI)

    assert EXPRESS.transit_days(hangzhou) == 1  # next day within ~500 km
    assert EXPRESS.transit_days(beijing) == 2
    assert EXPRESS.transit_days(urumqi, extra_days=2) == 6  # 4-6 days to Xinjiang
    assert ECONOMY.transit_days(hangzhou) == 2
    assert ECONOMY.transit_days(beijing) == 3
    assert 165 < hangzhou < 185 and 1000 < beijing < 1150 and 3100 < urumqi < 3400


# --- Local delivery slots -----------------------------------------------------------------------


def test_slots_start_at_least_the_lead_time_from_now():
    slots = parse_slots("09:00-12:00, 12:00-15:00, 15:00-18:00, 18:00-21:00")

    same_day = open_slots(THU, slots, now=at(THU, 10, 30), lead=timedelta(hours=2))

    assert [(s.hour, e.hour) for s, e in same_day] == [(15, 18), (18, 21)]
    assert same_day[0][0].tzinfo == SHANGHAI


@pytest.mark.parametrize("spec", ["12:00-09:00", "9-12", "09:00"])
def test_malformed_slots_are_refused(spec):
    with pytest.raises(ValueError):
        parse_slots(spec)


def test_a_line_one_warehouse_of_the_group_holds_whole_is_not_split():
    # Given two warehouses that must both ship (variant 11 is only in the first), the first
    # nearer and holding 1 of the 2 units of variant 10, the second holding all of them
    near = WarehouseStock(1, 10.0, {10: 1, 11: 5})
    far = WarehouseStock(2, 500.0, {10: 5})

    # When the order asks for 2 of variant 10 and 1 of variant 11
    plan = plan_shipments({10: 2, 11: 1}, [near, far])

    # Then variant 10 comes whole from the warehouse that holds it all: one parcel per line
    assert set(plan.takes) == {Take(1, 11, 1), Take(2, 10, 2)}
