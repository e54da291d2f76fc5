"""The address book's province -> city -> district pickers in a real browser."""

import pytest
from playwright.sync_api import expect

from accounts.models import Address
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, email: str) -> None:
    page.goto(page.base_url + "/account/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")


def option_texts(page, name: str) -> list[str]:
    return page.locator(f"select[name={name}] option").all_inner_texts()


def test_the_pickers_cascade_and_the_address_is_saved_with_its_code(page, screenshot):
    user = UserFactory(email="mei@example.com")
    log_in(page, user.email)
    page.goto(page.base_url + "/account/addresses/new/")
    page.fill("input[name=recipient]", "李梅")
    page.fill("input[name=phone]", "13812345678")

    # Choosing a province fills the city select with that province's cities, by keyboard too
    page.focus("select[name=province]")
    page.select_option("select[name=province]", "广东省")
    page.wait_for_selector("select[name=city] option[value=深圳市]", state="attached")
    assert "杭州市" not in option_texts(page, "city")
    assert page.get_by_label("City").is_visible()  # the label still names the select

    # With the keyboard alone: the arrow key on the focused city select picks 广州市, whose
    # districts follow
    page.focus("select[name=city]")
    page.keyboard.press("ArrowDown")
    expect(page.locator("select[name=city]")).to_have_value("广州市")
    page.wait_for_selector("select[name=district] option[value=天河区]", state="attached")

    # Choosing a city fills the districts; changing the province empties both again
    page.select_option("select[name=city]", "深圳市")
    page.wait_for_selector("select[name=district] option[value=南山区]", state="attached")
    page.select_option("select[name=province]", "浙江省")
    page.wait_for_selector("select[name=city] option[value=杭州市]", state="attached")
    assert "南山区" not in option_texts(page, "district")
    assert page.input_value("select[name=district]") == ""

    # A city that is its own one district is chosen as its district at once
    page.select_option("select[name=province]", "广东省")
    page.select_option("select[name=city]", "东莞市")
    expect(page.locator("select[name=district]")).to_have_value("东莞市")
    page.select_option("select[name=city]", "深圳市")
    page.select_option("select[name=district]", "南山区")
    page.fill("input[name=street]", "科技园路 1 号")
    page.fill("input[name=postal_code]", "518057")
    screenshot(page, "address-form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/addresses/")

    address = Address.objects.get(user=user)
    assert (address.province, address.city, address.district) == ("广东省", "深圳市", "南山区")
    assert address.region_code == "440305"
