from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    {
        "code": "standard",
        "name_en": "Standard delivery",
        "name_zh_hans": "标准快递",
        "description_en": "2-4 working days. Free for orders from ¥199.",
        "description_zh_hans": "2-4 个工作日送达，满 ¥199 包邮。",
        "price": Decimal("12.00"),
        "free_above": Decimal("199.00"),
        "position": 0,
    },
    {
        "code": "express",
        "name_en": "Express delivery",
        "name_zh_hans": "次日达",
        "description_en": "Next working day in most cities.",
        "description_zh_hans": "大部分城市次日送达。",
        "price": Decimal("25.00"),
        "free_above": None,
        "position": 1,
    },
]


def create(apps, schema_editor):
    ShippingMethod = apps.get_model("logistics", "ShippingMethod")
    for values in DEFAULTS:
        ShippingMethod.objects.get_or_create(
            code=values["code"], defaults={**values, "name": values["name_en"]}
        )


def remove(apps, schema_editor):
    ShippingMethod = apps.get_model("logistics", "ShippingMethod")
    ShippingMethod.objects.filter(code__in=[d["code"] for d in DEFAULTS], orders=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0002_shippingmethod_allocation"),
        ("orders", "0002_order_checkout_key_order_expires_at_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
