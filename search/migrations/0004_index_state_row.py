"""The index state row for an index built before it existed: version 1 and the highest
popularity already indexed."""

from django.db import migrations


def create(apps, schema_editor):
    state = apps.get_model("search", "SearchIndexState")
    document = apps.get_model("search", "SearchDocument")
    top = document.objects.order_by("-popularity_log").values_list("popularity", flat=True).first()
    state.objects.get_or_create(pk=1, defaults={"version": 1, "max_popularity": top or 0.0})


def remove(apps, schema_editor):
    apps.get_model("search", "SearchIndexState").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_index_state_covering")]

    operations = [migrations.RunPython(create, remove)]
