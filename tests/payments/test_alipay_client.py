"""payments.alipay_client through the real SDK against the sandbox gateway on the live server."""

import dataclasses
import datetime as dt
import urllib.parse
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from alipay.aop.api.response.AlipayTradeRefundResponse import AlipayTradeRefundResponse
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa

from payments.alipay_client import (
    AlipayGateway,
    GatewayError,
    InvalidNotification,
    format_amount,
    sign_params,
)
from payments.config import alipay_config

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def notification(pay, notify_receiver) -> dict[str, str]:
    """A real notification from the sandbox, as Django would parse the POST body."""
    pay("N2001", Decimal("66.60"))
    [body] = notify_receiver.received
    return dict(urllib.parse.parse_qsl(body))


def _app_key(settings) -> str:
    return (settings.ALIPAY_KEYS_DIR / "app_private_key.pem").read_text()


# --- notifications ------------------------------------------------------------------------------
def test_a_sandbox_notification_verifies(gateway, notification):
    assert gateway.verify_notification(notification)["out_trade_no"] == "N2001"


def test_a_notification_signed_with_another_key_is_refused(gateway, notification, settings):
    forged = {**notification, "sign": sign_params(notification, _app_key(settings))}

    with pytest.raises(InvalidNotification, match="bad signature"):
        gateway.verify_notification(forged)


def test_an_unsigned_notification_is_refused(gateway, notification):
    unsigned = {k: v for k, v in notification.items() if k != "sign"}

    with pytest.raises(InvalidNotification, match="missing sign"):
        gateway.verify_notification(unsigned)


@pytest.mark.parametrize("sign_type", ["RSA", None, ""])
def test_a_notification_without_rsa2_is_refused(gateway, notification, sign_type):
    params = {k: v for k, v in notification.items() if k != "sign_type"}
    if sign_type is not None:
        params["sign_type"] = sign_type

    with pytest.raises(InvalidNotification, match="unsupported sign_type"):
        gateway.verify_notification(params)


def test_a_sha1_signature_labelled_rsa2_is_refused(gateway, notification, settings):
    # verify_with_rsa alone would accept it: rsa.verify detects the hash from the signature.
    key = (settings.ALIPAY_KEYS_DIR / "alipay_private_key.pem").read_text()
    content = get_sign_content(
        {k: v for k, v in notification.items() if k not in ("sign", "sign_type")}
    )
    sha1 = {**notification, "sign": sign_with_rsa(key, content, "utf-8")}

    with pytest.raises(InvalidNotification, match="SHA-1"):
        gateway.verify_notification(sha1)


def test_a_tampered_amount_is_refused(gateway, notification):
    with pytest.raises(InvalidNotification, match="bad signature"):
        gateway.verify_notification({**notification, "total_amount": "0.01"})


def test_verification_needs_decoded_values(gateway, notification):
    # Django hands views decoded values; the signature is over decoded values too.
    assert " " in notification["notify_time"]
    encoded = {k: urllib.parse.quote_plus(v) for k, v in notification.items()}
    encoded["sign"] = notification["sign"]

    with pytest.raises(InvalidNotification):
        gateway.verify_notification(encoded)
    assert gateway.verify_notification(notification)


def test_garbage_is_refused(gateway, notification):
    with pytest.raises(InvalidNotification, match="bad signature"):
        gateway.verify_notification({**notification, "sign": "not base64!"})
    with pytest.raises(InvalidNotification, match="unparseable"):
        gateway.verify_notification({**notification, "total_amount": ["1"]})


# --- page pay -----------------------------------------------------------------------------------
def test_page_pay_url_is_signed_for_the_right_method_and_amount(gateway):
    url = gateway.page_pay_url(
        "P3001", Decimal("5"), "Lumen", "https://s/r", "https://s/n", mobile=False
    )
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))

    assert url.startswith(gateway.config.gateway_url + "?")
    assert params["method"] == "alipay.trade.page.pay"
    assert params["sign_type"] == "RSA2"
    assert '"total_amount":"5.00"' in params["biz_content"]
    assert '"product_code":"FAST_INSTANT_TRADE_PAY"' in params["biz_content"]


def test_the_timestamp_is_beijing_time_whatever_the_server_timezone(gateway, settings):
    settings.TIME_ZONE = "UTC"

    url = gateway.page_pay_url("P3002", Decimal("5.00"), "x", "https://s/r", "https://s/n", False)

    stamp = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["timestamp"]
    beijing = ZoneInfo("Asia/Shanghai")
    sent = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=beijing)
    assert abs(dt.datetime.now(beijing) - sent) < dt.timedelta(minutes=1)


def test_amounts_have_exactly_two_decimals():
    assert format_amount(Decimal("88")) == "88.00"
    assert format_amount(Decimal("0.5")) == "0.50"
    with pytest.raises(ValueError):
        format_amount(Decimal("1.005"))
    with pytest.raises(TypeError):
        format_amount(1.5)


# --- query, refund, close -----------------------------------------------------------------------
def test_query_a_paid_trade(gateway, pay):
    pay("Q4001", Decimal("30.00"))

    result = gateway.query("Q4001")

    assert result.found and result.trade_status == "TRADE_SUCCESS"
    assert result.total_amount == Decimal("30.00") and result.trade_no


def test_query_an_unknown_trade(gateway):
    assert gateway.query("Q4002").found is False


def test_a_refund_is_made_once_per_request_number(gateway, pay):
    pay("R5001", Decimal("100.00"))

    first = gateway.refund("R5001", Decimal("40.00"), "R5001-1", "damaged")
    again = gateway.refund("R5001", Decimal("40.00"), "R5001-1", "damaged")
    second = gateway.refund("R5001", Decimal("10.00"), "R5001-2", "late")

    assert first.ok and first.refund_fee == Decimal("40.00")
    assert again.ok and again.refund_fee == Decimal("40.00")
    assert second.ok and second.refund_fee == Decimal("50.00")


def test_a_refund_above_the_amount_paid_is_refused(gateway, pay):
    pay("R5002", Decimal("20.00"))
    assert gateway.refund("R5002", Decimal("15.00"), "R5002-1", "x").ok

    result = gateway.refund("R5002", Decimal("5.01"), "R5002-2", "x")

    assert not result.ok and "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL" in result.message
    assert result.refund_fee == Decimal("0.00")


def test_a_refund_of_an_unknown_trade_is_not_ok(gateway):
    result = gateway.refund("R5003", Decimal("1.00"), "R5003-1", "x")

    assert not result.ok and "ACQ.TRADE_NOT_EXIST" in result.message


def test_close_an_unpaid_trade(gateway, browser, notify_receiver):
    browser.get(
        gateway.page_pay_url(
            "C6001", Decimal("8.00"), "x", "https://s/r", notify_receiver.url, False
        )
    )

    assert gateway.close("C6001") is True
    assert gateway.query("C6001").trade_status == "TRADE_CLOSED"
    assert browser.press("pay").status == 400  # a closed trade cannot be paid


def test_a_paid_trade_cannot_be_closed(gateway, pay):
    pay("C6002", Decimal("8.00"))

    assert gateway.close("C6002") is False


def test_is_success_ignores_the_code_so_the_wrapper_checks_it():
    response = AlipayTradeRefundResponse()
    response.parse_response_content('{"code":"40004","msg":"Business Failed"}')

    assert response.is_success()  # the SDK's trap


def test_an_error_code_answer_raises(sandbox_settings):
    other_app = dataclasses.replace(alipay_config(), app_id="2021999999999999")

    with pytest.raises(GatewayError, match=r"40002 isv\.invalid-app-id"):
        AlipayGateway(other_app).query("Q4003")


def test_an_answer_signed_with_another_key_raises(sandbox_settings):
    config = alipay_config()
    app_public = (sandbox_settings.ALIPAY_KEYS_DIR / "app_public_key.pem").read_text()

    with pytest.raises(GatewayError, match="untrusted answer"):
        AlipayGateway(dataclasses.replace(config, alipay_public_key=app_public)).query("Q4004")


def test_an_unreachable_gateway_raises(sandbox_settings):
    config = dataclasses.replace(alipay_config(), gateway_url="http://127.0.0.1:9/gateway.do")

    with pytest.raises(GatewayError):
        AlipayGateway(config).close("Q4005")
