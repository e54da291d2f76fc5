"""Catalog changes queue one index refresh per transaction, after commit."""

import pytest

from catalog.models import Product
from catalog.services import product_set_active, product_stats_refresh
from search.backends.base import SearchQuery
from search.services import database_backend
from tests.catalog.factories import ReviewFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The batches handed to the index task (which still runs, eagerly)."""
    from search import tasks

    batches = []
    original = tasks.index_products.delay

    def record(ids):
        batches.append(sorted(ids))
        return original(ids)

    monkeypatch.setattr(tasks.index_products, "delay", record)
    return batches


def test_nothing_is_indexed_before_commit(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shop.product("Desk Lamp")

    assert callbacks
    assert database_backend().search(SearchQuery(text="lamp")).total == 0


def test_changes_in_one_transaction_queue_one_task(
    shop, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lamp = shop.product("Desk Lamp")
        mug = shop.product("Ceramic Mug")
        VariantFactory(product=lamp)
        ReviewFactory(product=mug, rating=4)

    # One task for the transaction (the catalog's own after-commit stock check, a transaction of
    # its own, may queue another).
    assert queued[0] == sorted([lamp.pk, mug.pk])
    assert database_backend().search(SearchQuery(text="lamp")).total == 1


def test_a_rename_is_searchable_after_commit(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lamp = shop.product("Desk Lamp", zh="台灯")
    with django_capture_on_commit_callbacks(execute=True):
        lamp.name_en = "Reading Light"
        lamp.save()

    backend = database_backend()
    assert backend.search(SearchQuery(text="reading")).total == 1
    assert backend.search(SearchQuery(text="lamp")).total == 0


def test_bulk_deactivation_removes_products(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lamp = shop.product("Desk Lamp")
    with django_capture_on_commit_callbacks(execute=True):
        product_set_active(products=Product.objects.filter(pk=lamp.pk), active=False, actor=None)

    assert database_backend().search(SearchQuery(text="lamp")).total == 0


def test_a_catalog_wide_stats_refresh_reindexes_what_changed(
    shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quiet, reviewed = shop.product("Desk Lamp"), shop.product("Desk Lamp")
    ReviewFactory(product=reviewed, rating=5)
    with django_capture_on_commit_callbacks(execute=True):
        product_stats_refresh()

    hits = database_backend().search(SearchQuery(text="lamp")).hits
    assert [h.product_id for h in hits] == [reviewed.pk, quiet.pk]


def test_the_nightly_rebuild_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "search.rebuild_index" in schedule


def test_rebuild_command_builds_the_index(shop, capsys):
    from django.core.management import call_command

    shop.product("Desk Lamp")

    call_command("rebuild_search_index")

    assert "1 products" in capsys.readouterr().out
    assert database_backend().search(SearchQuery(text="lamp")).total == 1
