"""The full-text parts of the database index, which the ORM does not describe: on SQLite the FTS5
tables, on PostgreSQL pg_trgm, the generated weighted tsvector with its GIN index, and a GIN
trigram index on the vocabulary."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "name, brand, category, attrs, description, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_term_trigram USING fts5(term, tokenize = 'trigram')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_term_trigram", "DROP TABLE IF EXISTS search_fts"]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, name_text), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, brand_text || ' ' || category_text), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, attrs_text), 'C') || "
    "setweight(to_tsvector('simple'::regconfig, description_text), 'D')) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
    "CREATE INDEX search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
