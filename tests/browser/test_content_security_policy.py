"""The Content-Security-Policy in a real browser: what it blocks is reported (the page fixture
fails a test on any such report), and the admin works under it."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.chromium import is_csp_violation

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_is_refused_and_reported(browser, live_server):
    # Given a storefront page, watched for the browser's reports
    context = browser.new_context()
    page = context.new_page()
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text))
    page.goto(live_server.url + "/")

    # When something slips an inline script into it
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
        }"""
    )

    # Then it does not run, and the refusal is what the page fixture looks for
    ran = page.evaluate("() => window.injected === true")
    context.close()
    assert ran is False
    assert any(is_csp_violation(text) for text in reports), reports


def test_a_superuser_logs_into_the_admin_and_opens_its_pages(page):
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)

    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    for path in ("/admin/orders/order/", "/admin/accounts/user/"):
        page.goto(page.base_url + path)
        assert page.locator("#content").is_visible()
    page.goto(page.base_url + "/admin/catalog/product/add/")
    # The product form's "add another" rows are made by the admin's scripts: they ran.
    assert page.locator(".add-row a").first.is_visible()
