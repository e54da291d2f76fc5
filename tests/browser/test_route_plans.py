"""A route plan's admin page in Chromium: the map (an SVG served by the admin) loads and is drawn
under the Content-Security-Policy (the page fixture fails on any violation), with each van's stops
listed beside it."""

from decimal import Decimal

import pytest

from logistics import services
from logistics.models import Carrier
from tests.accounts.factories import PASSWORD, UserFactory
from tests.logistics.factories import WarehouseFactory
from tests.logistics.test_route_plans import DAY, at, shipment
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_plan_page_shows_the_map_and_each_vans_stops(page, screenshot):
    warehouse = WarehouseFactory(
        code="sh-1", name="Shanghai", latitude=Decimal("31.2"), longitude=Decimal("121.45")
    )
    vans = Carrier.objects.create(code="own-vans", name="Own vans", is_local=True)
    order = place_order((variant_in_stock(), 1))
    for i in range(12):
        slot = (at(9), at(11)) if i % 3 == 0 else None
        shipment(order, warehouse, vans, km=(i % 4 * 2 - 3, i // 4 * 3 - 3), slot=slot)
    plan = services.route_plan_create(
        warehouse=warehouse, date=DAY, vehicles=3, capacity="10", time_limit=0.5
    )
    admin = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)

    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(page.base_url + f"/admin/logistics/routeplan/{plan.pk}/change/")

    image = page.get_by_test_id("route-map")
    image.wait_for()
    assert page.evaluate("el => el.complete && el.naturalWidth > 0", image.element_handle()), (
        "the map did not load"
    )
    assert page.get_by_test_id("route-van").count() == plan.vehicle_routes.count() >= 2
    assert page.locator(".route-swatch").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    ) not in ("", "rgba(0, 0, 0, 0)")
    screenshot(page, "route-plan")
