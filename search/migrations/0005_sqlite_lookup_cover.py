"""SQLite: the full-text table finds documents by rowid, then each match's filter, sort and
ranking columns are looked up by product_id. An index holding them all answers that lookup
without reading the wide document row. (PostgreSQL reads matches through the GIN index's bitmap,
where such an index would not help.)"""

from django.db import migrations

CREATE = (
    "CREATE INDEX search_doc_lookup_cover ON search_searchdocument (product_id, category_id, "
    "brand_id, in_stock, price, rating_avg, rating_count, sales_count, popularity_log, "
    "created_at)"
)
# SQLite's planner takes the unique product_id index over the covering one until it has
# statistics (the rebuild refreshes them too).
ANALYZE = "ANALYZE search_searchdocument"
DROP = "DROP INDEX IF EXISTS search_doc_lookup_cover"


def _on_sqlite(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_index_state_row")]

    operations = [migrations.RunPython(_on_sqlite(CREATE, ANALYZE), _on_sqlite(DROP))]
