# ruff: noqa: RUF001  (Chinese names and descriptions use full-width punctuation)
"""The demo shop's delivery: zones of mainland China, two parcel methods priced like Chinese
express companies (first kg / each further kg, 首重/续重), local same-day and next-day delivery
by the shop's vans from each warehouse's city, the warehouses' handling, and 2027's public
holidays. Written with update_or_create: seeding twice changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from logistics.models import (
    Carrier,
    MethodKind,
    NonWorkingDay,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    Warehouse,
)

# Zones by province code (the first two digits of a district code, then 0000).
ZONES: list[tuple[str, str, list[str], int]] = [
    # name (en), name (zh), provinces, extra transit days
    (
        "East China",
        "华东",
        ["310000", "320000", "330000", "340000", "350000", "360000", "370000"],
        0,
    ),
    ("North China", "华北", ["110000", "120000", "130000", "140000"], 0),
    ("South China", "华南", ["440000", "450000", "460000"], 0),
    ("Central China", "华中", ["410000", "420000", "430000"], 0),
    ("Southwest", "西南", ["500000", "510000", "520000", "530000"], 0),
    ("Northwest", "西北", ["610000", "620000", "640000"], 1),
    ("Northeast", "东北", ["210000", "220000", "230000"], 0),
    ("Remote", "偏远地区", ["650000", "540000", "630000", "150000"], 2),
]

# Parcel prices by zone: (first kg, each further kg) for express (SF-like) and standard
# (ZTO/YTO-like). The same zone grid serves every warehouse: a simplification of real
# origin-destination tables, which the distance makes up for in the transit days.
EXPRESS = {
    "East China": ("12.00", "2.00"), "North China": ("18.00", "5.00"),
    "South China": ("18.00", "5.00"), "Central China": ("16.00", "4.00"),
    "Southwest": ("18.00", "6.00"), "Northwest": ("22.00", "8.00"),
    "Northeast": ("20.00", "7.00"), "Remote": ("28.00", "15.00"),
}  # fmt: skip
STANDARD = {
    "East China": ("8.00", "1.00"), "North China": ("10.00", "2.00"),
    "South China": ("10.00", "2.00"), "Central China": ("9.00", "2.00"),
    "Southwest": ("11.00", "3.00"), "Northwest": ("13.00", "4.00"),
    "Northeast": ("12.00", "3.00"), "Remote": ("20.00", "10.00"),
}  # fmt: skip

# 2027's public holidays as python-holidays (0.109, China) lists them: the statutory days and
# the days off bridged to them ("observed"). The weekend days worked in exchange (调休) are not
# modelled: warehouses that rest at weekends rest on those too.
HOLIDAYS_2027: list[tuple[str, str, str]] = [
    ("2027-01-01", "New Year's Day", "元旦"),
    ("2027-02-05", "Spring Festival Eve", "除夕"),
    ("2027-02-06", "Spring Festival", "春节"),
    ("2027-02-07", "Spring Festival", "春节"),
    ("2027-02-08", "Spring Festival", "春节"),
    ("2027-02-09", "Spring Festival (bridging day)", "春节（调休）"),
    ("2027-02-10", "Spring Festival (bridging day)", "春节（调休）"),
    ("2027-04-05", "Qingming Festival", "清明节"),
    ("2027-05-01", "Labour Day", "劳动节"),
    ("2027-05-02", "Labour Day", "劳动节"),
    ("2027-05-03", "Labour Day (bridging day)", "劳动节（调休）"),
    ("2027-05-04", "Labour Day (bridging day)", "劳动节（调休）"),
    ("2027-06-09", "Dragon Boat Festival", "端午节"),
    ("2027-09-15", "Mid-Autumn Festival", "中秋节"),
    ("2027-10-01", "National Day", "国庆节"),
    ("2027-10-02", "National Day", "国庆节"),
    ("2027-10-03", "National Day", "国庆节"),
    ("2027-10-04", "National Day (bridging day)", "国庆节（调休）"),
    ("2027-10-05", "National Day (bridging day)", "国庆节（调休）"),
]

# Warehouse handling: (handling days, cutoff, works weekends).
HANDLING = {
    "sh-pudong": (0, datetime.time(16, 0), True),
    "cd-shuangliu": (1, datetime.time(15, 0), True),
    "gz-baiyun": (0, datetime.time(17, 0), False),
}


def _carrier(code: str, name: str, *, local: bool = False) -> Carrier:
    carrier, _ = Carrier.objects.get_or_create(
        code=code, defaults={"name": name, "is_local": local}
    )
    return carrier


def _method(code: str, **values) -> ShippingMethod:
    method, _ = ShippingMethod.objects.update_or_create(code=code, defaults=values)
    return method


def _rates(method: ShippingMethod, zones: dict[str, ShippingZone], table: dict, free_above):
    ShippingRate.objects.filter(method=method, merchant=None).delete()
    ShippingRate.objects.bulk_create(
        ShippingRate(
            method=method,
            zone=zones[name],
            max_weight_grams=1000,
            price=Decimal(first),
            per_kg_above=Decimal(more),
            free_above=free_above,
        )
        for name, (first, more) in table.items()
    )


def delivery_setup() -> dict[str, int]:
    """Write the demo delivery set-up; returns how many of each it wrote."""
    zones = {}
    for position, (en, zh, provinces, extra) in enumerate(ZONES):
        zone, _ = ShippingZone.objects.update_or_create(
            name_en=en,
            defaults={
                "name": en, "name_zh_hans": zh, "provinces": provinces, "extra_days": extra,
                "position": position,
            },
        )  # fmt: skip
        zones[en] = zone
    standard = _method(
        "standard", name="Standard delivery", name_en="Standard delivery", name_zh_hans="标准快递",
        description_en="ZTO-style parcel: 2-4 days in most of China. Free from ¥199.",
        description_zh_hans="普通快递：大部分地区 2-4 天送达，满 ¥199 包邮。",
        kind=MethodKind.PARCEL, carrier=_carrier("zto", "ZTO Express"),
        base_days=2, base_km=300, km_per_extra_day=800, position=0, is_active=True,
    )  # fmt: skip
    express = _method(
        "express", name="Express delivery", name_en="Express delivery", name_zh_hans="顺丰速运",
        description_en="SF-style express: next day within ~500 km, 2-3 days across the country.",
        description_zh_hans="顺丰速运：500 公里内次日达，全国 2-3 天。",
        kind=MethodKind.PARCEL, carrier=_carrier("sf", "SF Express"),
        base_days=1, base_km=500, km_per_extra_day=1000, position=1, is_active=True,
    )  # fmt: skip
    vans = _carrier("own-vans", "Our vans", local=True)
    same_day = _method(
        "local-same-day", name="Same-day delivery", name_en="Same-day delivery",
        name_zh_hans="同城当日达",
        description_en="Our own vans, within 30 km of our warehouse, in the slot you choose.",
        description_zh_hans="自有车辆配送，仓库 30 公里内，按您选择的时段送达。",
        kind=MethodKind.LOCAL, carrier=vans, base_days=0, local_radius_km=30,
        delivery_slots="12:00-15:00, 15:00-18:00, 18:00-21:00", slot_lead_minutes=120,
        position=2, is_active=True,
    )  # fmt: skip
    next_day = _method(
        "local-next-day", name="Next-day delivery", name_en="Next-day delivery",
        name_zh_hans="同城次日达",
        description_en="Our own vans, within 60 km of our warehouse, in the slot you choose.",
        description_zh_hans="自有车辆配送，仓库 60 公里内，按您选择的时段送达。",
        kind=MethodKind.LOCAL, carrier=vans, base_days=1, local_radius_km=60,
        delivery_slots="09:00-12:00, 12:00-15:00, 15:00-18:00, 18:00-21:00",
        slot_lead_minutes=120, position=3, is_active=True,
    )  # fmt: skip
    _rates(standard, zones, STANDARD, Decimal("199.00"))
    _rates(express, zones, EXPRESS, None)
    for method, price in ((same_day, "15.00"), (next_day, "9.00")):
        ShippingRate.objects.filter(method=method, merchant=None).delete()
        ShippingRate.objects.create(
            method=method, max_weight_grams=20000, price=Decimal(price),
            per_kg_above=Decimal("1.00"), free_above=Decimal("299.00"),
        )  # fmt: skip
    for day, en, zh in HOLIDAYS_2027:
        NonWorkingDay.objects.update_or_create(
            date=datetime.date.fromisoformat(day),
            defaults={"name": en, "name_en": en, "name_zh_hans": zh},
        )
    for code, (days, cutoff, weekends) in HANDLING.items():
        Warehouse.objects.filter(code=code).update(
            handling_days=days, cutoff_time=cutoff, works_weekends=weekends
        )
    return {
        "shipping zones": len(zones),
        "shipping methods": 4,
        "shipping rates": ShippingRate.objects.count(),
        "non-working days": len(HOLIDAYS_2027),
    }
