"""Fixtures of the search tests. `backend` runs a test against every backend: the database's own
(SQLite FTS5 on the embedded pass, PostgreSQL on the services pass) and Elasticsearch (on an
osmem-server, see es_fixtures.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from search.models import Synonym
from search.services import database_backend, synonyms_load
from search.synonyms import DEFAULT_LIST, parse_rules
from tests.catalog.factories import BrandFactory, CategoryFactory
from tests.search.es_fixtures import *  # noqa: F403


@pytest.fixture(params=["db", "elasticsearch"])
def backend(request):
    """A search backend with an empty index; the test indexes what it creates."""
    if request.param == "db":
        request.getfixturevalue("db")
        return database_backend()
    return request.getfixturevalue("elasticsearch_backend")


class Shop:
    """Builds a small bilingual catalog for one test."""

    def __init__(self, make_product):
        self._make = make_product
        self.categories: dict[str, object] = {}
        self.brands: dict[str, object] = {}
        self._age = 0

    def category(self, slug: str, en: str, zh: str, parent: str | None = None):
        if slug not in self.categories:
            self.categories[slug] = CategoryFactory(
                slug=slug,
                name_en=en,
                name_zh_hans=zh,
                parent=self.categories[parent] if parent else None,
            )
        return self.categories[slug]

    def brand(self, name: str):
        slug = name.lower().replace(" ", "-")
        if slug not in self.brands:
            self.brands[slug] = BrandFactory(name=name, slug=slug)
        return self.brands[slug]

    def product(
        self,
        name: str,
        *,
        zh: str = "",
        description: str = "A well made thing.",
        description_zh: str = "做工精良。",
        category: str = "misc",
        brand: str = "Plainware",
        price: str = "99.00",
        stock: int = 10,
        sales: int = 0,
        rating: str = "0",
        active: bool = True,
        age_days: int | None = None,
        attributes: dict | None = None,
    ):
        if category not in self.categories:
            self.category(category, category.title(), "杂货")
        self._age += 1
        created = timezone.now() - timedelta(days=age_days if age_days is not None else self._age)
        product = self._make(
            category=self.categories[category],
            brand=self.brand(brand),
            prices=(Decimal(price),),
            stock=stock,
            name_en=name,
            name_zh_hans=zh or name,
            description_en=description,
            description_zh_hans=description_zh,
            sales_count=sales,
            rating_avg=Decimal(rating),
            rating_count=1 if Decimal(rating) else 0,
            is_active=active,
            created_at=created,
        )
        if attributes is not None:
            product.variants.update(attributes=attributes)
        return product


@pytest.fixture
def shop(make_product) -> Shop:
    return Shop(make_product)


def index(backend, *products) -> None:
    """Index as the shop does: Elasticsearch's index and the database's, whose vocabulary reads
    the words of every backend's queries (see search/vocabulary.py)."""
    ids = [p.pk for p in products]
    if backend.name == "elasticsearch":
        database_backend().index_products(ids)
    backend.index_products(ids)


@pytest.fixture
def shipped_synonyms(db):
    """The shipped synonym list, as migration 0010 loads it (a transactional test before this
    one may have flushed its rows)."""
    if not Synonym.objects.exists():
        synonyms_load(rules=parse_rules(DEFAULT_LIST.read_text(encoding="utf-8")))
