from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from logistics.models import (
    Carrier,
    MethodKind,
    Shipment,
    ShipmentEvent,
    ShipmentEventType,
    ShipmentLine,
    ShipmentStatus,
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


class CarrierFactory(DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"carrier-{n}")
    name = factory.Sequence(lambda n: f"Carrier {n}")
    tracking_url = ""


def shipped_shipment(
    *,
    carrier: Carrier | None = None,
    tracking_number: str | None = None,
    order=None,
    user=None,
    shipped_at: datetime | None = None,
    warehouse: Warehouse | None = None,
) -> Shipment:
    """A shipment of a placed order's lines, handed to `carrier` (a simulated one unless given)
    at `shipped_at` (an hour ago): from a warehouse in 上海市 to 杭州市西湖区, as the shipping
    services leave one."""
    from tests.orders.factories import place_order, variant_in_stock

    order = order or place_order(
        (variant_in_stock(price="88.00", name="Stoneware Mug"), 2), user=user
    )
    order.region_code = "330106"  # 杭州市西湖区 (tests.accounts.factories.VALID_ADDRESS)
    order.save(update_fields=["region_code"])
    carrier = carrier or CarrierFactory(code="simulated", name="Shop Express", is_simulated=True)
    warehouse = warehouse or WarehouseFactory(
        code="sh-pudong", name="Shanghai Pudong", province="上海市", city="上海市",
        latitude=Decimal("31.221"), longitude=Decimal("121.544"),
    )  # fmt: skip
    when = shipped_at or timezone.now() - timedelta(hours=1)
    line = order.lines.first()
    tracking_number = tracking_number or f"TN{Shipment.objects.count() + 1:010d}"
    shipment = Shipment.objects.create(
        number=f"SP{Shipment.objects.count() + 1:06d}",
        order=order,
        merchant=line.merchant,
        warehouse=warehouse,
        status=ShipmentStatus.SHIPPED,
        carrier=carrier,
        tracking_number=tracking_number,
        region_code="330106",
        destination_latitude=30.259,
        destination_longitude=120.130,
        promised_date=(when + timedelta(days=3)).date(),
        shipped_at=when,
        status_changed_at=when,
    )
    ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=line.quantity)
    ShipmentEvent.objects.create(
        shipment=shipment, type=ShipmentEventType.SHIPPED, created_at=when, occurred_at=when,
        from_status=ShipmentStatus.PACKING, to_status=ShipmentStatus.SHIPPED, city="上海市",
        carrier=carrier, params={"carrier": carrier.code, "tracking_number": tracking_number},
    )  # fmt: skip
    return shipment
