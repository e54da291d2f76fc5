"""common.statements: querysets compiled once and re-run with new values, the same rows the ORM
gives; on PostgreSQL a statement made with prepared=True is prepared once per connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from common import statements
from common.statements import Statement, _numbered
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def by_slug(prepared: bool) -> Statement:
    return Statement(
        lambda slots: Product.objects.select_related("category").filter(
            slug=slots.str("slug"), is_active=True
        ),
        prepared=prepared,
    )


@pytest.mark.parametrize("prepared", [False, True], ids=["plain", "prepared"])
def test_a_statement_gives_what_its_queryset_gives_for_each_value(prepared):
    category = CategoryFactory(name_en="Lamps")
    lamp, shade = ProductFactory(category=category), ProductFactory(category=category)
    statement = by_slug(prepared)

    for product in (lamp, shade, lamp):
        [found] = statement.run(slug=product.slug)
        assert (found.pk, found.name, found.price) == (product.pk, product.name, product.price)
        assert found.category.name == "Lamps"
    assert statement.run(slug="no-such-product") == []


def test_a_statement_without_values_runs():
    ProductFactory(name_en="Only")
    statement = Statement(
        lambda slots: Product.objects.order_by("id").values_list("name_en"), prepared=True
    )

    assert statement.run() == [("Only",)]


@on_postgresql
def test_a_prepared_statement_is_prepared_once_per_connection_and_executed_by_name():
    product = ProductFactory()
    statement = by_slug(True)

    with CaptureQueriesContext(connection) as queries:
        statement.run(slug=product.slug)
        statement.run(slug=product.slug)
    name = statement._compile().prepared_name

    assert [q["sql"].split(" (")[0] for q in queries] == [f"EXECUTE {name}"] * 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        assert cursor.fetchone() == (1,)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    """A server session that ends (CONN_MAX_AGE, a failed health check) takes its prepared
    statements with it: the next connection prepares them again."""
    product = ProductFactory()
    statement = by_slug(True)
    statement.run(slug=product.slug)
    connection.close()

    [found] = statement.run(slug=product.slug)

    assert found.pk == product.pk


@pytest.mark.parametrize(
    ("sql", "numbered"),
    [
        ("SELECT a FROM t WHERE x = %s", "SELECT a FROM t WHERE x = $1"),
        (
            "SELECT a FROM t WHERE y LIKE '10%%' AND x IN (%s, %s)",
            "SELECT a FROM t WHERE y LIKE '10%' AND x IN ($1, $2)",
        ),
    ],
)
def test_placeholders_are_numbered_for_prepare(sql, numbered):
    assert _numbered(sql) == numbered


def by_category(plans_kept: bool = True) -> Statement:
    return Statement(
        lambda slots: (
            Product.objects.filter(category_id=slots.int("category"))
            .order_by("price", "id")
            .values_list("name_en")
        ),
        plans_kept=plans_kept,
    )


def prepared_plans() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'shop_plan_%%'")
        return {name for (name,) in cursor.fetchall()}


def test_a_statement_with_kept_plans_gives_what_its_queryset_gives():
    lamps, chairs = CategoryFactory(), CategoryFactory()
    ProductFactory(category=lamps, name_en="Lamp")
    ProductFactory(category=chairs, name_en="Chair")
    statement = by_category()

    for _ in range(3):
        assert statement.run(category=lamps.pk) == [("Lamp",)]
        assert statement.run(category=chairs.pk) == [("Chair",)]


@on_postgresql
def test_values_run_again_are_planned_once_with_the_values_in_the_sql():
    category = CategoryFactory()
    ProductFactory(category=category, name_en="Lamp")
    statement = by_category()
    before = prepared_plans()  # the connection's, from earlier tests

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert statement.run(category=category.pk) == [("Lamp",)]

    first, second, third = (q["sql"] for q in queries)
    assert first.startswith("SELECT")  # first seen: run as it is, nothing prepared
    assert second == third and second.startswith("EXECUTE shop_plan_")
    [name] = prepared_plans() - before
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        assert f"= {category.pk}" in cursor.fetchone()[0]


@on_postgresql
def test_only_the_last_plans_are_kept(monkeypatch):
    monkeypatch.setattr(statements, "PLANS_KEPT", 2)
    categories = CategoryFactory.create_batch(3)
    for category in categories:
        ProductFactory(category=category, name_en=f"In {category.pk}")
    statement = by_category()

    for category in categories:
        statement.run(category=category.pk)
        statement.run(category=category.pk)
    kept = prepared_plans()

    assert len(kept) == 2
    assert statement.run(category=categories[0].pk) == [(f"In {categories[0].pk}",)]


def test_sql_written_by_hand_keeps_its_plan_too():
    ProductFactory(name_en="Lamp", price=5)
    sql = "SELECT name_en FROM catalog_product WHERE price < %s"

    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        for _ in range(3):
            statements.execute_keeping_plan(cursor, sql, [10])
            assert cursor.fetchall() == [("Lamp",)]

    kept = connection.vendor == "postgresql"
    assert [q["sql"].startswith("EXECUTE shop_plan_") for q in queries] == [False, kept, kept]
