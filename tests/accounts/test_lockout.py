"""Brute-force protection of the storefront and admin logins (accounts/lockout.py, django-axes)."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
LOCKED = "Too many failed attempts to log in"

STOREFRONT = "/account/login/"
ADMIN = "/admin/login/"


def browser(address: str = ATTACKER) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, url: str, email: str, password: str):
    return client.post(url, {"username": email, "password": password})


def fail(client: Client, url: str, email: str, times: int) -> None:
    for _ in range(times):
        log_in(client, url, email, "wrong-password")


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def cool_off_passes() -> None:
    """Every recorded failure becomes older than the cool-off period."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )


@pytest.fixture
def shopper():
    return UserFactory(email="mei@example.com")


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


# --- Storefront ---------------------------------------------------------------------------------


def test_storefront_the_right_password_is_refused_after_too_many_wrong_ones(shopper):
    # Given someone who guessed wrong as often as the limit allows
    client = browser()
    fail(client, STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT)

    # When the right password comes next
    response = log_in(client, STOREFRONT, shopper.email, PASSWORD)

    # Then the login page says logging in is paused, and nobody is logged in
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html
    assert "15 minutes" in html
    assert 'class="flash flash-error"' in html  # the shop's own login form, with its error
    assert not logged_in(client)


def test_storefront_the_lockout_is_said_in_chinese(shopper):
    client = browser()
    fail(client, STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, "/zh-hans" + STOREFRONT, shopper.email, PASSWORD)

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_storefront_fewer_failures_than_the_limit_still_let_the_shopper_in(shopper):
    client = browser()
    fail(client, STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT - 1)

    response = log_in(client, STOREFRONT, shopper.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_storefront_the_account_still_logs_in_from_another_address(shopper):
    fail(browser(), STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT)
    own = browser(ELSEWHERE)

    response = log_in(own, STOREFRONT, shopper.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(own)


def test_storefront_another_account_still_logs_in_from_the_same_address(shopper):
    other = UserFactory(email="li@example.com")
    client = browser()
    fail(client, STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, STOREFRONT, other.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_storefront_the_email_is_one_account_whatever_its_case(shopper):
    client = browser()
    for email in ("MEI@example.com", "Mei@Example.com", " mei@example.com", "mei@EXAMPLE.COM"):
        log_in(client, STOREFRONT, email, "wrong-password")
    log_in(client, STOREFRONT, "MEI@EXAMPLE.COM", "wrong-password")

    response = log_in(client, STOREFRONT, shopper.email, PASSWORD)

    assert response.status_code == 429


def test_storefront_one_address_trying_many_accounts_is_locked_out(settings, shopper):
    # Given an address that tried a password or two on many accounts, under the per-account limit
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    client = browser()
    for n in range(6):
        fail(client, STOREFRONT, f"victim{n}@example.com", 2)

    # When it logs into yet another account with the right password
    response = log_in(client, STOREFRONT, shopper.email, PASSWORD)

    # Then it is refused too, while the same account elsewhere is not
    assert response.status_code == 429
    assert not logged_in(client)
    assert log_in(browser(ELSEWHERE), STOREFRONT, shopper.email, PASSWORD).status_code == 302


def test_storefront_the_lockout_ends_after_the_cool_off(shopper):
    client = browser()
    fail(client, STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT)

    cool_off_passes()
    response = log_in(client, STOREFRONT, shopper.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(
    "command",
    [("axes_reset",), ("axes_reset_username", "mei@example.com"), ("axes_reset_ip", ATTACKER)],
)
def test_ops_can_lift_a_lockout_at_once(shopper, command):
    client = browser()
    fail(client, STOREFRONT, shopper.email, settings.AXES_FAILURE_LIMIT)

    call_command(*command, stdout=StringIO())
    response = log_in(client, STOREFRONT, shopper.email, PASSWORD)

    assert response.status_code == 302


def test_a_forwarded_address_does_not_escape_the_lockout(shopper):
    client = browser()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            STOREFRONT,
            {"username": shopper.email, "password": "wrong"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )

    response = client.post(
        STOREFRONT,
        {"username": shopper.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "10.0.0.99"},
    )

    assert response.status_code == 429


@pytest.mark.parametrize("url", [STOREFRONT, ADMIN])
def test_a_very_long_username_is_a_failed_login_not_an_error(url):
    client = browser()

    response = log_in(client, url, "x" * 3000 + "@example.com", "wrong-password")

    assert response.status_code == 200
    assert not logged_in(client)


# --- Admin --------------------------------------------------------------------------------------


def test_admin_the_right_password_is_refused_after_too_many_wrong_ones(superuser):
    client = browser()
    fail(client, ADMIN, superuser.email, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, ADMIN, superuser.email, PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html
    assert 'class="errornote"' in html  # the admin's own login page, with its error
    assert not logged_in(client)


def test_admin_the_account_still_logs_in_from_another_address(superuser):
    fail(browser(), ADMIN, superuser.email, settings.AXES_FAILURE_LIMIT)
    own = browser(ELSEWHERE)

    response = log_in(own, ADMIN, superuser.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(own)


def test_admin_and_storefront_failures_count_together(superuser):
    client = browser()
    fail(client, STOREFRONT, superuser.email, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, ADMIN, superuser.email, PASSWORD)

    assert response.status_code == 429


def test_admin_the_lockout_ends_after_the_cool_off(superuser):
    client = browser()
    fail(client, ADMIN, superuser.email, settings.AXES_FAILURE_LIMIT)

    cool_off_passes()
    response = log_in(client, ADMIN, superuser.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)
