"""The options the shop already knows how to name (catalog/attributes.py), as product attributes."""

from django.db import migrations

COLOURS = (
    "black white grey red blue navy green olive beige pink yellow orange purple brown silver gold"
)
ATTRIBUTES = (
    ("colour", "Colour", "颜色", COLOURS.split()),
    ("size", "Size", "尺码", []),
    ("capacity", "Capacity", "容量", []),
    (
        "material",
        "Material",
        "材质",
        ["cotton", "linen", "wool", "leather", "bamboo", "steel", "ceramic"],
    ),
    ("weight", "Weight", "重量", []),
    ("flavour", "Flavour", "口味", ["original", "green tea", "jasmine", "oolong"]),
)


def create(apps, schema_editor):
    attribute_model = apps.get_model("catalog", "ProductAttribute")
    for position, (code, english, chinese, values) in enumerate(ATTRIBUTES):
        attribute_model.objects.get_or_create(
            code=code,
            defaults={
                "name": english,
                "name_en": english,
                "name_zh_hans": chinese,
                "values": "\n".join(values),
                "position": position,
            },
        )


def remove(apps, schema_editor):
    attribute_model = apps.get_model("catalog", "ProductAttribute")
    codes = [code for code, *_rest in ATTRIBUTES]
    attribute_model.objects.filter(code__in=codes, product_types=None).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_product_types")]

    operations = [migrations.RunPython(create, remove)]
