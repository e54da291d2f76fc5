"""The triggers that keep CategoryFacetCount exact, and its first counts.

PostgreSQL: one statement-level trigger per event, with its transition tables, so a bulk UPDATE
of 100,000 products applies its net changes in one upsert; the changed counts are upserted in
key order, so two transactions touching the same counts always lock them in the same order.
SQLite (one writer at a time): row-level triggers.
"""

from django.db import migrations

FACET = "catalog_categoryfacetcount"
PRODUCT = "catalog_product"
KEY = "(category_id, brand_id, in_stock)"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION catalog_facet_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {FACET} AS f (category_id, brand_id, in_stock, n)
    SELECT category_id, COALESCE(brand_id, 0), in_stock, COUNT(*) FROM new_rows
    WHERE is_active GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT {KEY} DO UPDATE SET n = f.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {FACET} AS f (category_id, brand_id, in_stock, n)
    SELECT category_id, COALESCE(brand_id, 0), in_stock, -COUNT(*) FROM old_rows
    WHERE is_active GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT {KEY} DO UPDATE SET n = f.n + excluded.n;
  ELSE
    INSERT INTO {FACET} AS f (category_id, brand_id, in_stock, n)
    SELECT category_id, brand_id, in_stock, SUM(d) FROM (
      SELECT category_id, COALESCE(brand_id, 0) AS brand_id, in_stock, 1 AS d
      FROM new_rows WHERE is_active
      UNION ALL
      SELECT category_id, COALESCE(brand_id, 0), in_stock, -1 FROM old_rows WHERE is_active
    ) c GROUP BY 1, 2, 3 HAVING SUM(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT {KEY} DO UPDATE SET n = f.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;
"""

POSTGRES_TRIGGERS = [
    f"CREATE TRIGGER catalog_facet_counts_insert AFTER INSERT ON {PRODUCT} "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalog_facet_counts_apply()",
    f"CREATE TRIGGER catalog_facet_counts_update AFTER UPDATE ON {PRODUCT} "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalog_facet_counts_apply()",
    f"CREATE TRIGGER catalog_facet_counts_delete AFTER DELETE ON {PRODUCT} "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalog_facet_counts_apply()",
]

_SQLITE_ADD = (
    f"INSERT INTO {FACET} (category_id, brand_id, in_stock, n) "
    "SELECT NEW.category_id, COALESCE(NEW.brand_id, 0), NEW.in_stock, 1 WHERE NEW.is_active "
    f"ON CONFLICT {KEY} DO UPDATE SET n = n + 1;"
)
_SQLITE_REMOVE = (
    f"UPDATE {FACET} SET n = n - 1 WHERE OLD.is_active AND category_id = OLD.category_id "
    "AND brand_id = COALESCE(OLD.brand_id, 0) AND in_stock = OLD.in_stock;"
)
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER catalog_facet_counts_insert AFTER INSERT ON {PRODUCT} "
    f"BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER catalog_facet_counts_update AFTER UPDATE ON {PRODUCT} "
    "WHEN OLD.category_id IS NOT NEW.category_id OR OLD.brand_id IS NOT NEW.brand_id "
    "OR OLD.is_active IS NOT NEW.is_active OR OLD.in_stock IS NOT NEW.in_stock "
    f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
    f"CREATE TRIGGER catalog_facet_counts_delete AFTER DELETE ON {PRODUCT} "
    f"BEGIN {_SQLITE_REMOVE} END",
]

BACKFILL = (
    f"INSERT INTO {FACET} (category_id, brand_id, in_stock, n) "
    "SELECT category_id, COALESCE(brand_id, 0), in_stock, COUNT(*) "
    f"FROM {PRODUCT} WHERE is_active GROUP BY 1, 2, 3"
)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION, *POSTGRES_TRIGGERS]
    elif vendor == "sqlite":
        statements = SQLITE_TRIGGERS
    else:  # pragma: no cover - the shop runs on these two
        raise RuntimeError(f"no facet count triggers for {vendor}")
    for statement in [f"DELETE FROM {FACET}", *statements, BACKFILL]:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    for event in ("insert", "update", "delete"):
        suffix = f" ON {PRODUCT}" if schema_editor.connection.vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS catalog_facet_counts_{event}{suffix}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS catalog_facet_counts_apply()")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_category_facet_counts")]

    operations = [migrations.RunPython(install, uninstall)]
