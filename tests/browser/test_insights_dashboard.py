"""The staff dashboard in Chromium, on a laptop and a phone: its charts are drawn with their
colours (pygal's CSS from the static file, since the policy blocks inline style; the page fixture
fails on any violation) and nothing is wider than the screen."""

from datetime import timedelta

import pytest

from insights.selectors import dashboard as tiles
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.insights.dashboard_givens import line, order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_the_dashboard_draws_its_charts_within_the_screen(
    page, screenshot, merchant_a, width, height
):
    week = tiles.period_for("week")
    for day in range(7):
        order(line(merchant_a, "25.00", day + 1), at=week.start + timedelta(days=day, hours=9))
    staff = StaffFactory(merchant=merchant_a, email="staff@alpha.example.com")
    page.set_viewport_size({"width": width, "height": height})

    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    dashboard = page.locator("#insights-dashboard")
    dashboard.wait_for()
    line_colour = page.locator(".insights-chart svg .serie-0 .line").first.evaluate(
        "el => getComputedStyle(el).stroke"
    )
    assert line_colour not in ("", "none", "rgb(0, 0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for svg in page.locator(".insights-chart svg").all():
        box = svg.bounding_box()
        assert box["width"] > 0 and box["x"] + box["width"] <= width
    screenshot(page, f"{width}")
