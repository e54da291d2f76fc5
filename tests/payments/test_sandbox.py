"""The local Alipay sandbox, over real HTTP, driven by the real SDK via payments.alipay_client."""

import datetime as dt
import logging
import os
import subprocess
import sys
import urllib.parse
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse

from alipay_sandbox.tasks import NotifyDeliveryError, deliver_notification
from payments.alipay_client import AlipayConfig, AlipayGateway
from payments.config import alipay_config
from tests.payments.conftest import RETURN_URL

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent.parent


def _query_params(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def _with_params(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    params = {**_query_params(url), **changes}
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(params)))


def test_the_cashier_accepts_a_page_pay_url_from_the_sdk(gateway, browser, notify_receiver):
    url = gateway.page_pay_url(
        "T1001", Decimal("88.00"), "Lumen order", RETURN_URL, notify_receiver.url, mobile=False
    )

    page = browser.get(url)

    assert page.status == 200
    assert "Alipay sandbox — local stand-in, no real money" in page.html
    assert ">88.00<" in page.html
    assert "alipay.trade.page.pay" in page.html
    assert 'value="pay"' in page.html and 'value="cancel"' in page.html
    assert '<strong id="merchant-name">Lumen &amp; Co.</strong>' in page.html
    assert "not scannable" in page.html  # the QR-like picture says what it is


def test_the_cashier_has_the_shops_icon(gateway, browser, notify_receiver):
    url = gateway.page_pay_url(
        "T1009", Decimal("1.00"), "Lumen order", RETURN_URL, notify_receiver.url, mobile=False
    )

    page = browser.get(url)

    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page.html


def test_a_mobile_browser_gets_the_wap_method(gateway, browser, notify_receiver):
    url = gateway.page_pay_url(
        "T1002", Decimal("9.90"), "Lumen order", RETURN_URL, notify_receiver.url, mobile=True
    )

    page = browser.get(url)

    assert _query_params(url)["method"] == "alipay.trade.wap.pay"
    assert '"product_code":"QUICK_WAP_WAY"' in _query_params(url)["biz_content"]
    assert page.status == 200 and "alipay.trade.wap.pay" in page.html


def test_a_tampered_amount_is_refused_with_an_error_page(gateway, browser, notify_receiver):
    url = gateway.page_pay_url(
        "T1003", Decimal("88.00"), "Lumen order", RETURN_URL, notify_receiver.url, mobile=False
    )
    biz = _query_params(url)["biz_content"].replace('"88.00"', '"0.01"')

    page = browser.get(_with_params(url, biz_content=biz))

    assert page.status == 400
    assert "isv.invalid-signature" in page.html


def test_a_url_signed_with_another_key_is_refused(sandbox_settings, browser, notify_receiver):
    # Signed with the sandbox's own (Alipay) private key instead of the shop's.
    own = alipay_config()
    wrong = (sandbox_settings.ALIPAY_KEYS_DIR / "alipay_private_key.pem").read_text()
    forger = AlipayGateway(AlipayConfig(own.app_id, own.gateway_url, wrong, own.alipay_public_key))
    url = forger.page_pay_url(
        "T1004", Decimal("88.00"), "Lumen order", RETURN_URL, notify_receiver.url, mobile=False
    )

    page = browser.get(url)

    assert page.status == 400
    assert "isv.invalid-signature" in page.html


def test_pay_redirects_back_with_a_signed_return_and_notifies(gateway, pay, notify_receiver):
    page = pay("T1005", Decimal("128.50"))

    assert page.status == 302 and page.location.startswith(RETURN_URL + "?")
    returned = gateway.verify_notification(_query_params(page.location))
    assert returned["out_trade_no"] == "T1005" and returned["total_amount"] == "128.50"
    [body] = notify_receiver.received
    notify = gateway.verify_notification(dict(urllib.parse.parse_qsl(body)))
    assert notify["trade_status"] == "TRADE_SUCCESS"
    assert notify["notify_type"] == "trade_status_sync"
    assert notify["total_amount"] == notify["receipt_amount"] == "128.50"
    assert notify["trade_no"] == returned["trade_no"]


def test_a_shop_that_does_not_acknowledge_still_gets_the_buyer_back(pay, notify_receiver):
    # Eager tasks in tests do not replay retries; the worker retries with backoff.
    notify_receiver.answers = ["fail"]

    page = pay("T1006", Decimal("10.00"))

    assert page.status == 302 and page.location.startswith(RETURN_URL)
    assert len(notify_receiver.received) == 1
    assert deliver_notification.autoretry_for == (NotifyDeliveryError,)
    assert deliver_notification.max_retries >= 3


def test_a_paid_trade_cannot_be_paid_twice(gateway, pay, browser, notify_receiver):
    pay("T1007", Decimal("10.00"))

    page = browser.get(
        gateway.page_pay_url(
            "T1007", Decimal("10.00"), "Lumen order", RETURN_URL, notify_receiver.url, False
        )
    )

    assert page.status == 200 and "TRADE_SUCCESS" in page.html and ">Pay</button>" not in page.html


def test_cancel_pays_nothing(gateway, browser, notify_receiver):
    browser.get(
        gateway.page_pay_url(
            "T1008", Decimal("10.00"), "Lumen order", RETURN_URL, notify_receiver.url, False
        )
    )

    page = browser.press("cancel")

    assert page.status == 200 and "Payment cancelled" in page.html
    assert notify_receiver.received == []
    assert gateway.query("T1008").trade_status == "WAIT_BUYER_PAY"


def test_the_sandbox_saw_beijing_time_when_django_runs_in_utc(
    sandbox_settings, browser, notify_receiver
):
    sandbox_settings.TIME_ZONE = "UTC"  # Django sets TZ and calls tzset: local time is UTC now
    url = AlipayGateway(alipay_config()).page_pay_url(
        "T1009", Decimal("10.00"), "Lumen order", RETURN_URL, notify_receiver.url, False
    )

    page = browser.get(url)

    assert page.status == 200
    seen = page.html.split('id="request-timestamp">', 1)[1].split("<", 1)[0]
    beijing = ZoneInfo("Asia/Shanghai")
    sent = dt.datetime.strptime(seen, "%Y-%m-%d %H:%M:%S").replace(tzinfo=beijing)
    assert abs(dt.datetime.now(beijing) - sent) < dt.timedelta(minutes=1)


def test_no_private_key_appears_in_logs_or_pages(
    sandbox_settings, gateway, pay, browser, caplog, notify_receiver
):
    caplog.set_level(logging.DEBUG)
    pages = [pay("T1010", Decimal("10.00"))]
    gateway.query("T1010")
    gateway.refund("T1010", Decimal("1.00"), "R1", "test")
    pages.append(browser.get(sandbox_settings.ALIPAY_GATEWAY + "?method=nope"))
    keys_dir = sandbox_settings.ALIPAY_KEYS_DIR

    for name in ("app_private_key.pem", "alipay_private_key.pem"):
        body = "".join((keys_dir / name).read_text().splitlines()[1:-1])
        for chunk in (body[i : i + 40] for i in range(0, len(body), 200)):
            assert chunk not in caplog.text
            assert all(chunk not in page.html for page in pages)
    assert "AlipayConfig(app_id=" in repr(gateway)
    assert "PRIVATE" not in repr(gateway)


def test_the_sandbox_is_not_mounted_when_switched_off(settings):
    settings.ALIPAY_SANDBOX = False
    import importlib

    import shop.urls

    try:
        importlib.reload(shop.urls)
        clear_url_caches()
        with pytest.raises(NoReverseMatch):
            reverse("alipay_sandbox:gateway")
    finally:
        settings.ALIPAY_SANDBOX = True
        importlib.reload(shop.urls)
        clear_url_caches()
    assert reverse("alipay_sandbox:gateway") == "/alipay-sandbox/gateway.do"


def test_production_settings_refuse_the_sandbox():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shop.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "shop.example.com",
        "ALIPAY_SANDBOX": "1",
    }

    result = subprocess.run(
        [sys.executable, "-c", "import shop.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "ALIPAY_SANDBOX must not be enabled in production" in result.stderr


def _sandbox_setting(module: str, **env: str) -> tuple[str, str]:
    """ALIPAY_SANDBOX and INSTALLED_APPS as the settings `module` makes them with `env` (and
    nothing of this process's DEBUG or ALIPAY_SANDBOX)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "ALIPAY_SANDBOX", "DJANGO_SETTINGS_MODULE"}
    }
    code = (
        f"import os; os.environ['DJANGO_SETTINGS_MODULE']='{module}';"
        "from django.conf import settings;"
        "print(settings.ALIPAY_SANDBOX); print(settings.INSTALLED_APPS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    sandbox, apps = result.stdout.splitlines()
    return sandbox, apps


@pytest.mark.parametrize(
    ("module", "env", "expected"),
    [
        ("shop.settings.base", {}, "False"),
        ("shop.settings.base", {"DEBUG": "1"}, "True"),
        ("shop.settings.base", {"ALIPAY_SANDBOX": "1"}, "True"),
        ("shop.settings.base", {"DEBUG": "1", "ALIPAY_SANDBOX": "0"}, "False"),
        ("shop.settings.local", {}, "True"),
        ("shop.settings.local", {"DEBUG": "0"}, "False"),
        ("shop.settings.local", {"DEBUG": "0", "ALIPAY_SANDBOX": "1"}, "True"),
        ("shop.settings.test", {}, "True"),
    ],
    ids=[
        "base",
        "base-debug",
        "base-asked-for",
        "base-debug-refused",
        "local",
        "local-no-debug",
        "local-no-debug-asked-for",
        "test",
    ],
)
def test_the_sandbox_is_on_only_with_debug_or_when_asked_for(module, env, expected):
    sandbox, apps = _sandbox_setting(module, **env)

    assert sandbox == expected
    # Its app (views, templates, the worker's notification task) is installed only while it is
    # on, and once.
    assert apps.count("'alipay_sandbox'") == (1 if expected == "True" else 0)


def test_the_installed_sandbox_learns_settled_trades_through_payments(settings, tmp_path):
    """The demo tells the sandbox of its history through payments' registry (it may not import
    the sandbox app); a gateway without a local stand-in records nothing."""
    from alipay_sandbox.gateway import get_trade
    from payments.gateways import settled_trades_record

    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"
    trade = {
        "out_trade_no": "DEMO1-1",
        "trade_no": "2026010122001400000000000001",
        "subject": "Lumen DEMO1",
        "total_amount": "12.00",
        "gmt_create": "2026-01-01 10:00:00",
        "gmt_payment": "2026-01-01 10:01:00",
        "refunds": {},
    }

    assert settled_trades_record(gateway="alipay", trades=[trade]) == 1
    assert settled_trades_record(gateway="wechat", trades=[trade]) == 0
    assert get_trade("DEMO1-1")["status"] == "TRADE_SUCCESS"
