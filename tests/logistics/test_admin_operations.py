"""Warehouse operations in admin: moving stock between warehouses, low-stock thresholds and the
admin index's list of low rows, each merchant's staff for their own variants only."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from logistics.models import Stock, StockMovement
from logistics.models import StockMovementKind as K
from tests.accounts.factories import StaffFactory, UserFactory
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
def own_row(staff):
    variant = VariantFactory(product=ProductFactory(merchant=staff.merchant), sku="OWN-1")
    return StockFactory(variant=variant, quantity=10, allocated=3)


def transfer_url(row: Stock) -> str:
    return reverse("admin:logistics_stock_transfer", args=[row.pk])


# --- Transfers ----------------------------------------------------------------------------------


def test_the_stock_page_links_to_its_transfer(client, own_row):
    html = client.get(reverse("admin:logistics_stock_change", args=[own_row.pk])).content.decode()

    assert transfer_url(own_row) in html
    assert "Transfer to another warehouse" in html


def test_a_transfer_moves_units_with_who_and_why(client, staff, own_row):
    destination = WarehouseFactory(name="Chengdu")

    response = client.post(
        transfer_url(own_row),
        {"to_warehouse": destination.pk, "quantity": 4, "reason": "rebalance for 618"},
    )

    assert response.status_code == 302
    own_row.refresh_from_db()
    target = Stock.objects.get(warehouse=destination, variant=own_row.variant)
    assert (own_row.quantity, target.quantity) == (6, 4)
    moves = StockMovement.objects.filter(kind=K.TRANSFERRED).order_by("quantity_delta")
    assert [(m.quantity_delta, m.actor, m.reason) for m in moves] == [
        (-4, staff, "rebalance for 618"),
        (4, staff, "rebalance for 618"),
    ]
    assert "Moved 4 units of OWN-1" in next(str(m) for m in get_messages(response.wsgi_request))


def test_a_transfer_of_more_than_is_available_says_how_many_can_move(client, own_row):
    response = client.post(
        transfer_url(own_row),
        {"to_warehouse": WarehouseFactory().pk, "quantity": 8, "reason": "move"},
    )

    # 10 on hand, 3 allocated: 7 can move
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == [
        "Only 7 units can be moved: 3 of the 10 on hand are allocated to orders."
    ]
    own_row.refresh_from_db()
    assert own_row.quantity == 10
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"to_warehouse": "same"}, "to_warehouse", "Choose another active warehouse."),
        ({"to_warehouse": "inactive"}, "to_warehouse", "Choose another active warehouse."),
        ({"to_warehouse": "999999"}, "to_warehouse", "Choose another active warehouse."),
        ({"quantity": "0"}, "quantity", "A transfer moves at least one unit."),
        ({"quantity": "two"}, "quantity", "Enter a whole number."),
        ({"reason": ""}, "reason", "Say why the units move, for the stock's history."),
    ],
)
def test_a_bad_transfer_is_refused_with_a_message(client, own_row, change, field, message):
    targets = {
        "same": own_row.warehouse_id,
        "inactive": WarehouseFactory(is_active=False).pk,
    }
    data = {"to_warehouse": WarehouseFactory().pk, "quantity": 2, "reason": "move", **change}
    data["to_warehouse"] = targets.get(data["to_warehouse"], data["to_warehouse"])

    response = client.post(transfer_url(own_row), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not StockMovement.objects.exists()


def test_another_merchant_row_cannot_be_transferred(client, staff):
    theirs = StockFactory(quantity=10)  # another merchant's variant

    assert client.get(transfer_url(theirs)).status_code == 404
    response = client.post(
        transfer_url(theirs), {"to_warehouse": WarehouseFactory().pk, "quantity": 1, "reason": "x"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 10


# --- Thresholds and the admin index -------------------------------------------------------------


def test_a_threshold_set_in_admin_goes_through_the_service(
    client, own_row, django_capture_on_commit_callbacks
):
    url = reverse("admin:logistics_stock_change", args=[own_row.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, admin_form_data(client.get(url), low_stock_threshold=7))

    assert response.status_code == 302
    own_row.refresh_from_db()
    assert own_row.low_stock_threshold == 7
    assert own_row.low_stock_since is not None  # 7 available: at the threshold


def test_the_admin_index_lists_own_low_rows_with_links(client, staff, own_row):
    Stock.objects.filter(pk=own_row.pk).update(low_stock_threshold=7)  # 7 available: low
    StockFactory(quantity=1, low_stock_threshold=5)  # another merchant's low row
    fine = StockFactory(
        variant=VariantFactory(product=ProductFactory(merchant=staff.merchant), sku="OWN-FINE"),
        quantity=50,
        low_stock_threshold=5,
    )

    html = client.get(reverse("admin:index")).content.decode()

    block = html[html.index('id="low-stock"') :]
    block = block[: block.index("</div>")]
    assert reverse("admin:logistics_stock_change", args=[own_row.pk]) in block
    assert "OWN-1" in block
    assert fine.variant.sku not in block
    assert block.count("<tr>") == 2  # the header and own_row only
    assert reverse("admin:logistics_stock_changelist") + "?low=yes" in block


def test_the_admin_index_of_an_operator_lists_every_low_row(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = [StockFactory(quantity=1, low_stock_threshold=2) for _ in range(2)]

    html = client.get(reverse("admin:index")).content.decode()

    for row in rows:
        assert reverse("admin:logistics_stock_change", args=[row.pk]) in html


def test_the_low_filter_lists_rows_at_or_below_their_threshold(client, staff, own_row):
    warehouse = WarehouseFactory(low_stock_threshold=20)
    inherits = StockFactory(warehouse=warehouse, variant=own_row.variant, quantity=20)

    response = client.get(reverse("admin:logistics_stock_changelist") + "?low=yes")

    shown = list(response.context["cl"].result_list)
    assert shown == [inherits]  # own_row has no threshold at all


def test_the_movement_log_links_a_transfer_to_the_other_row(client, own_row):
    destination = WarehouseFactory()
    client.post(
        transfer_url(own_row), {"to_warehouse": destination.pk, "quantity": 1, "reason": "move"}
    )
    target = Stock.objects.get(warehouse=destination)

    html = client.get(reverse("admin:logistics_stockmovement_changelist")).content.decode()

    assert reverse("admin:logistics_stock_change", args=[target.pk]) in html
    assert reverse("admin:logistics_stock_change", args=[own_row.pk]) in html
