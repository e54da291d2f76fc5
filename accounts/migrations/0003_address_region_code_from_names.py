"""Give the addresses saved before the region table their district's code, from their province,
city and district names. Best effort: names the table does not have leave the code blank (the
shopper fixes such an address when it is next used at checkout)."""

from django.db import migrations

from accounts import regions


def fill_region_codes(apps, schema_editor):
    model = apps.get_model("accounts", "Address")
    blank = model.objects.filter(region_code="")
    places = blank.values_list("province", "city", "district").distinct().order_by()
    for province, city, district in list(places):
        try:
            code = regions.resolve(province.strip(), city.strip(), district.strip()).code
        except regions.RegionError:
            continue
        blank.filter(province=province, city=city, district=district).update(region_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_address_region_code"),
    ]

    operations = [
        migrations.RunPython(fill_region_codes, migrations.RunPython.noop, elidable=True),
    ]
