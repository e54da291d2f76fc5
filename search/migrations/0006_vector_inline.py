"""PostgreSQL: keep each document's tsvector in its row (STORAGE MAIN) rather than in the TOAST
table. Ranking reads the vector of every match; fetched from TOAST, that cost three to four
times as much at 100,000 products. The long text columns still move out to TOAST first. Rows
written before this migration keep their layout until they are next indexed
(`manage.py rebuild_search_index` rewrites them all)."""

from django.db import migrations

FORWARD = "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE MAIN"
BACKWARD = "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE EXTENDED"


def _on_postgres(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_sqlite_lookup_cover")]

    operations = [migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD))]
