"""PostgreSQL: a GIN index on `head` (the name, brand, category and attributes, migration 0007).

A check that words are in those fields ("strong" matches when words are left out, see
search/partial.py) is then answered by the index, not by reading `head` of every document the
full-text index finds for the words anywhere: a few hundred microseconds where it was
milliseconds when the answer is no. `head` is small, so the index is too (built in about a second
at 100,000 products)."""

from django.db import migrations

FORWARD = "CREATE INDEX IF NOT EXISTS search_document_head ON search_searchdocument USING gin (head)"
BACKWARD = "DROP INDEX IF EXISTS search_document_head"


def _on_postgres(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0011_price_cover")]

    operations = [migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD))]
