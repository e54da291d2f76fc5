"""The catalog's receivers listen to the catalog's own models only."""

import pytest
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from catalog.caching import bump_catalog_version
from tests.accounts.factories import UserFactory
from tests.catalog.factories import BrandFactory

pytestmark = pytest.mark.django_db


def test_saving_a_model_outside_the_catalog_leaves_the_storefront_cache(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        UserFactory()

    assert bump_catalog_version not in callbacks


def test_saving_a_catalog_model_refreshes_the_storefront_cache(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        BrandFactory()

    assert bump_catalog_version in callbacks


@pytest.mark.parametrize("signal", [post_save, post_delete], ids=["post_save", "post_delete"])
def test_no_catalog_receiver_listens_to_every_model(signal):
    live = signal._live_receivers(User)
    sync_receivers = live[0] if isinstance(live, tuple) else live

    assert not [r for r in sync_receivers if r.__module__.startswith("catalog.")]
