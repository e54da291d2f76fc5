"""The refresh path through a real Celery worker: a change in admin reaches the index."""

import pytest
from django.urls import reverse

from catalog.models import Product
from search.backends.base import SearchQuery
from search.services import database_backend
from tests.accounts.test_admin_scoping import admin_form_data
from tests.worker import wait_for


def found(text: str) -> list[int]:
    return [h.product_id for h in database_backend().search(SearchQuery(text=text)).hits]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_renaming_a_product_in_admin_reaches_the_index_through_the_worker(
    live_worker, shop, admin_client
):
    lamp = shop.product("Brass Desk Lamp", zh="黄铜台灯")
    wait_for(lambda: found("lamp") == [lamp.pk], live_worker)
    url = reverse("admin:catalog_product_change", args=[lamp.pk])
    data = admin_form_data(admin_client.get(url), name_en="Walnut Reading Light")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Product.objects.get(pk=lamp.pk).name_en == "Walnut Reading Light"

    wait_for(lambda: found("walnut reading") == [lamp.pk], live_worker)
    assert found("brass lamp") == []
