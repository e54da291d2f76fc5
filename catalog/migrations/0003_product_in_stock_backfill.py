from django.db import migrations
from django.db.models import Exists, F, OuterRef


def backfill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Stock = apps.get_model("logistics", "Stock")
    available = Stock.objects.filter(
        variant__product=OuterRef("pk"), variant__is_active=True, quantity__gt=F("allocated")
    )
    Product.objects.update(in_stock=Exists(available))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_product_in_stock"),
        ("logistics", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
