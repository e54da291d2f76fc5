from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from logistics.models import (
    Carrier,
    Shipment,
    ShipmentEvent,
    ShipmentEventType,
    ShipmentLine,
    ShipmentStatus,
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
