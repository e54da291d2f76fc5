"""Product.card_image: the card picture kept on the product (catalog.selectors.
card_image_expression), filled for the products there are.

SQLite adds the column by rebuilding the products table, which drops its triggers: the facet
count triggers (0008) are installed again afterwards (on PostgreSQL, where the table is altered
in place, that only recounts)."""

from importlib import import_module

from django.db import migrations, models
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf


def fill_card_images(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    ProductImage = apps.get_model("catalog", "ProductImage")
    Stock = apps.get_model("logistics", "Stock")
    available = Stock.objects.filter(variant_id=OuterRef("variant_id"), quantity__gt=F("allocated"))
    first_image = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .annotate(
            card_rank=Case(
                When(variant_id__isnull=True, then=Value(1)),
                When(Q(variant__is_active=True) & Exists(available), then=Value(0)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("card_rank", "variant__position", "variant_id", "position", "id")
        .values(name=Coalesce(NullIf(F("card"), Value("")), F("image"), output_field=CharField()))[
            :1
        ]
    )
    Product.objects.update(
        card_image=Coalesce(Subquery(first_image, output_field=CharField()), Value(""))
    )


_TRIGGERS = import_module("catalog.migrations.0008_category_facet_count_triggers")


def reinstall_facet_count_triggers(apps, schema_editor):
    _TRIGGERS.uninstall(apps, schema_editor)
    _TRIGGERS.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0012_product_image_variant"),
        ("logistics", "0011_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="card_image",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=255, verbose_name="card image"
            ),
        ),
        migrations.RunPython(reinstall_facet_count_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_card_images, migrations.RunPython.noop),
    ]
