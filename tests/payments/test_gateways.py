"""The gateway interface: Alipay is one registered implementation, and orders/ knows no gateway."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from payments.gateways import REGISTRY, gateway_for
from payments.gateways.alipay import AlipayPaymentGateway
from payments.gateways.base import PaymentGateway, PaymentRequest, TradeState

ORDERS = Path(__file__).resolve().parents[2] / "orders"


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module or "")
    return modules


def test_orders_imports_nothing_of_payments_or_alipay():
    files = sorted(ORDERS.rglob("*.py"))
    assert files

    offending = {
        f"{path.relative_to(ORDERS)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] in {"payments", "alipay"} or "alipay" in module.lower()
    }

    assert offending == set()


def test_orders_code_never_names_alipay():
    mentions = [
        str(path.relative_to(ORDERS))
        for path in ORDERS.rglob("*.py")
        if "alipay" in path.read_text(encoding="utf-8").lower()
    ]

    assert mentions == []


def test_alipay_is_registered_as_a_payment_gateway(sandbox_settings):
    gateway = gateway_for("alipay")

    assert isinstance(gateway, AlipayPaymentGateway)
    assert isinstance(gateway, PaymentGateway)
    assert set(REGISTRY) == {"alipay"}


def test_an_unknown_gateway_code_is_an_error():
    with pytest.raises(LookupError):
        gateway_for("wechat")


def test_alipay_answers_in_the_neutral_vocabulary(sandbox_settings, browser, notify_receiver):
    gateway = gateway_for("alipay")
    url = gateway.start_payment(
        PaymentRequest(
            reference="G1001",
            amount=Decimal("12.00"),
            subject="Lumen order",
            return_url="http://shop.test/return/",
            notify_url=notify_receiver.url,
        )
    )

    assert gateway.query("G1001").state == TradeState.NOT_FOUND
    assert browser.get(url).status == 200
    waiting = gateway.query("G1001")
    assert (waiting.state, waiting.raw_status) == (TradeState.WAITING, "WAIT_BUYER_PAY")
    browser.press("pay")
    paid = gateway.query("G1001")
    assert (paid.state, str(paid.amount)) == (TradeState.PAID, "12.00")
    notified = gateway.verify_notification(dict(parse_qsl(notify_receiver.received[0])))
    assert (notified.reference, notified.state) == ("G1001", TradeState.PAID)
