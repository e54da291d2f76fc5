"""Stock in admin: edits go through the stock services (a movement with the staff user and the
reason they gave), and the movement log is there to read, never to change."""

import pytest
from django.urls import reverse

from logistics.models import Stock, StockMovement
from logistics.models import StockMovementKind as K
from tests.accounts.factories import StaffFactory
from tests.accounts.test_admin_scoping import admin_form_data
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    staff = StaffFactory()
    client.force_login(staff)
    return staff


@pytest.fixture
def own_variant(staff):
    return VariantFactory(product=ProductFactory(merchant=staff.merchant))


def test_editing_stock_on_its_page_goes_through_the_service(client, staff, own_variant):
    stock = StockFactory(variant=own_variant, quantity=10, allocated=2)
    url = reverse("admin:logistics_stock_change", args=[stock.pk])

    response = client.post(url, admin_form_data(client.get(url), quantity=7, reason="damaged"))

    assert response.status_code == 302
    movement = StockMovement.objects.get(stock=stock)
    assert (movement.kind, movement.quantity_delta, movement.allocated_delta) == (K.ADJUSTED, -3, 0)
    assert (movement.actor, movement.reason) == (staff, "damaged")


def test_editing_stock_on_the_variant_page_goes_through_the_service(client, staff, own_variant):
    stock = StockFactory(variant=own_variant, quantity=10)
    url = reverse("admin:catalog_productvariant_change", args=[own_variant.pk])

    response = client.post(
        url,
        admin_form_data(client.get(url), **{"stock-0-quantity": "12", "stock-0-reason": "found"}),
    )

    assert response.status_code == 302
    stock.refresh_from_db()
    assert stock.quantity == 12
    movement = StockMovement.objects.get(stock=stock)
    assert (movement.kind, movement.quantity_delta, movement.actor, movement.reason) == (
        K.ADJUSTED,
        2,
        staff,
        "found",
    )


def test_adding_stock_receives_it(client, staff, own_variant):
    warehouse = WarehouseFactory()

    response = client.post(
        reverse("admin:logistics_stock_add"),
        {"warehouse": warehouse.pk, "variant": own_variant.pk, "quantity": 4},
    )

    assert response.status_code == 302
    stock = Stock.objects.get(variant=own_variant, warehouse=warehouse)
    movement = StockMovement.objects.get(stock=stock)
    assert (movement.kind, movement.quantity_delta, movement.actor) == (K.RECEIVED, 4, staff)


def test_the_movement_log_is_read_only_and_scoped_to_the_merchant(client, staff, own_variant):
    stock = StockFactory(variant=own_variant, quantity=10)
    url = reverse("admin:logistics_stock_change", args=[stock.pk])
    client.post(url, admin_form_data(client.get(url), quantity=9))
    other = StockFactory(quantity=5)
    from logistics import services

    services.stock_adjust(stock=other, quantity=1, actor=None, reason="")

    changelist = client.get(reverse("admin:logistics_stockmovement_changelist"))
    for_stock = client.get(reverse("admin:logistics_stockmovement_changelist"), {"stock": stock.pk})

    assert changelist.status_code == 200
    assert [m.stock_id for m in changelist.context["cl"].result_list] == [stock.pk]
    assert for_stock.context["cl"].result_count == 1
    movement = StockMovement.objects.get(stock=stock)
    page = client.get(reverse("admin:logistics_stockmovement_change", args=[movement.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert client.get(reverse("admin:logistics_stockmovement_add")).status_code == 403
