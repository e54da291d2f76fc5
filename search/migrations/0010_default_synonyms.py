"""The shipped synonym list (search/data/synonyms.txt), loaded into an empty list."""

from django.db import migrations

from search.synonyms import DEFAULT_LIST, parse_rules


def load_default_list(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    if Synonym.objects.exists():
        return
    rules = parse_rules(DEFAULT_LIST.read_text(encoding="utf-8"))
    Synonym.objects.bulk_create(
        [
            Synonym(
                kind="one_way" if rule.one_way else "two_way",
                terms=", ".join(rule.terms),
                targets=", ".join(rule.targets),
            )
            for rule in rules
        ]
    )


def remove_default_list(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    rules = parse_rules(DEFAULT_LIST.read_text(encoding="utf-8"))
    for rule in rules:
        Synonym.objects.filter(terms=", ".join(rule.terms), targets=", ".join(rule.targets)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_understanding"),
    ]

    operations = [
        migrations.RunPython(load_default_list, remove_default_list),
    ]
