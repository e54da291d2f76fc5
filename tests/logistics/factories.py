from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from logistics.models import (
    MethodKind,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    Stock,
    Warehouse,
)
from tests.catalog.factories import VariantFactory


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"wh-{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    province = "上海市"
    city = "上海市"


class StockFactory(DjangoModelFactory):
    class Meta:
        model = Stock

    warehouse = factory.SubFactory(WarehouseFactory)
    variant = factory.SubFactory(VariantFactory)
    quantity = 10
    allocated = 0


# --- Delivery: a small shop's warehouses, zones, methods and rates --------------------------------

PUDONG_DISTRICT = "310115"  # 上海市浦东新区: within local-delivery reach of the Pudong warehouse
XIHU_HANGZHOU = "330106"  # 杭州市西湖区: East China, ~175 km from Pudong
TIANHE_GUANGZHOU = "440106"  # 广州市天河区: South China
TIANSHAN_URUMQI = "650102"  # 乌鲁木齐市天山区: remote


def warehouse_pudong(**extra) -> Warehouse:
    return WarehouseFactory(
        code="sh-pudong", name="Shanghai Pudong", province="上海市", city="上海市",
        latitude=Decimal("31.194200"), longitude=Decimal("121.700900"), **extra,
    )  # fmt: skip


def warehouse_guangzhou(**extra) -> Warehouse:
    return WarehouseFactory(
        code="gz-baiyun", name="Guangzhou Baiyun", province="广东省", city="广州市",
        latitude=Decimal("23.241200"), longitude=Decimal("113.273100"), **extra,
    )  # fmt: skip


def delivery_methods() -> dict[str, ShippingMethod]:
    """East, South and Remote zones; express (next day within 500 km) priced by zone and
    weight; local same-day delivery within 30 km. Returns the methods by code. The methods the
    migrations made are switched off."""
    ShippingMethod.objects.update(is_active=False)
    east = ShippingZone.objects.create(
        name="East China", provinces=["310000", "320000", "330000"], position=0
    )
    south = ShippingZone.objects.create(name="South China", provinces=["440000"], position=1)
    remote = ShippingZone.objects.create(
        name="Remote", provinces=["650000", "540000"], extra_days=2, position=2
    )
    express = ShippingMethod.objects.create(
        code="t-express", name="Express", kind=MethodKind.PARCEL, base_days=1, base_km=500,
        km_per_extra_day=1000, position=0,
    )  # fmt: skip
    prices = ((east, "12.00", "2.00"), (south, "18.00", "6.00"), (remote, "28.00", "15.00"))
    for zone, first, more in prices:
        ShippingRate.objects.create(
            method=express, zone=zone, max_weight_grams=1000, price=Decimal(first),
            per_kg_above=Decimal(more),
        )  # fmt: skip
    local = ShippingMethod.objects.create(
        code="t-local", name="Same-day van", kind=MethodKind.LOCAL, base_days=0,
        local_radius_km=30, slot_lead_minutes=120, position=1,
    )  # fmt: skip
    ShippingRate.objects.create(method=local, max_weight_grams=20000, price=Decimal("15.00"))
    return {"express": express, "local": local}
