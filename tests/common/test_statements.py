"""common.statements: querysets compiled once and re-run with new values, the same rows the ORM
gives; on PostgreSQL a statement made with prepared=True is prepared once per connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
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
