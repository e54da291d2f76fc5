import factory
from factory.django import DjangoModelFactory

from logistics.models import Stock, Warehouse
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
