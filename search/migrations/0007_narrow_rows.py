"""PostgreSQL: narrow rows for the matches a search reads.

A search with many matches (a common word: a sixth of the catalog) reads every match's row for
the facet counts and the ranking. With the full tsvector and the texts in the row (about 2.4 kB),
that was most of the table's pages. Now the row keeps only the columns a search filters, counts
and sorts on, plus `head`: the tsvector of the fields weighted A-C (name, brand and category,
attributes), at the same positions as in `vector`, stored plain in the row. Everything else, the
full `vector` included, moves to TOAST (`toast_tuple_target` at its minimum): the GIN index still
answers the matching, ranking reads `head` of every match and the full vector of only the best
few hundred (search/backends/postgres.py). This undoes the STORAGE MAIN of migration 0006.

Adding the generated column rewrites the table; `manage.py rebuild_search_index` rewrites it
again later (run `VACUUM FULL search_searchdocument` afterwards to return the old rows' space).
"""

from django.db import migrations

HEAD = (
    "setweight(to_tsvector('simple'::regconfig, name_text), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, brand_text || ' ' || category_text), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, attrs_text), 'C')"
)
FORWARD = [
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 128), "
    "ALTER COLUMN vector SET STORAGE EXTENDED",
    f"ALTER TABLE search_searchdocument ADD COLUMN head tsvector GENERATED ALWAYS AS ({HEAD}) "
    "STORED, ALTER COLUMN head SET STORAGE PLAIN",
]
BACKWARD = [
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS head, "
    "RESET (toast_tuple_target), ALTER COLUMN vector SET STORAGE MAIN",
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_vector_inline")]

    operations = [migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD))]
