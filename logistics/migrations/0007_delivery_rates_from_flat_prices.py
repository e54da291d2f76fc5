"""Each existing method's flat price (and free-above threshold) becomes one shop-wide rate row for
every address (no zone) and every weight (one band, nothing per extra kg), so the shop charges
what it charged before until rates by zone and weight are set up. The two methods the shop was
created with get their speed (standard: 2 days within 500 km; express: next day within 500 km)."""

from django.db import migrations

SPEEDS = {
    "standard": {"base_days": 2, "base_km": 500, "km_per_extra_day": 800},
    "express": {"base_days": 1, "base_km": 500, "km_per_extra_day": 1000},
}


def forward(apps, schema_editor):
    ShippingMethod = apps.get_model("logistics", "ShippingMethod")
    ShippingRate = apps.get_model("logistics", "ShippingRate")
    for method in ShippingMethod.objects.all():
        if not method.rates.exists():
            ShippingRate.objects.create(
                method=method,
                zone=None,
                merchant=None,
                max_weight_grams=1000,
                price=method.price,
                per_kg_above=0,
                free_above=method.free_above,
            )
        if method.code in SPEEDS:
            ShippingMethod.objects.filter(pk=method.pk).update(**SPEEDS[method.code])


def backward(apps, schema_editor):
    """The flat price back from the shop-wide row for anywhere (the lightest band)."""
    ShippingMethod = apps.get_model("logistics", "ShippingMethod")
    for method in ShippingMethod.objects.all():
        row = method.rates.filter(zone=None, merchant=None).order_by("max_weight_grams").first()
        if row is not None:
            method.price, method.free_above = row.price, row.free_above
            method.save(update_fields=["price", "free_above"])


class Migration(migrations.Migration):
    dependencies = [("logistics", "0006_delivery_rates")]

    operations = [migrations.RunPython(forward, backward)]
