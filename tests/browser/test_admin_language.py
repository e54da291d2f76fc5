"""The admin header's language switch in Chromium: a merchant's staff member picks Chinese once,
and after signing out and in again lands in the Chinese admin; the switch leads back."""

from pathlib import Path

import pytest

from tests.accounts.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/admin20-shots")


def sign_in(page, email: str) -> None:
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_staff_choose_chinese_once_and_admin_remembers(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    staff = StaffFactory(email="staff@lumen.example", preferred_language="")
    sign_in(page, staff.email)
    page.wait_for_url("**/admin/")
    switch = page.get_by_test_id("admin-languages")

    switch.get_by_role("button", name="简体中文").click()

    page.wait_for_url("**/zh-hans/admin/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-zh-1366.png"))
    page.locator("#logout-form button").click()
    page.context.clear_cookies()

    sign_in(page, staff.email)

    page.wait_for_url("**/zh-hans/admin/")
    page.get_by_test_id("admin-languages").get_by_role("button", name="English").click()
    page.wait_for_url(lambda url: url.endswith("/admin/") and "/zh-hans/" not in url)
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(SHOTS / "admin-en-1366.png"))
