"""The private keys (the shop's app key and the sandbox's stand-in for Alipay's) never appear in
logs, admin pages, error pages, notification records or the repository."""

from __future__ import annotations

import logging
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from payments.models import NotifyRecord, Payment, Refund
from payments.refunds import refund_create, refund_submit
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_FILES = ("app_private_key.pem", "alipay_private_key.pem")
PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def key_chunks(keys_dir: Path) -> list[str]:
    """Pieces of each private key's base64 body: any of them showing up is a leak."""
    chunks = []
    for name in PRIVATE_FILES:
        path = Path(keys_dir) / name
        if path.is_file():
            body = "".join(path.read_text().splitlines()[1:-1])
            chunks += [body[i : i + 32] for i in range(0, len(body) - 32, 64)]
    return chunks


def assert_no_key(text: str, chunks: list[str]) -> None:
    assert chunks
    assert not PEM_PRIVATE.search(text)
    leaked = [chunk for chunk in chunks if chunk in text]
    assert leaked == []


@pytest.fixture
def operator():
    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


def test_a_whole_pay_notify_refund_flow_logs_no_key(paid_order, sandbox_settings, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("alipay", "payments", "django", "celery"):
        caplog.set_level(logging.DEBUG, logger=name)

    order = paid_order(shipped=True)
    made = refund_create(order=order, actor=None, amount=Decimal("10.00"), reason="x")
    refund_submit(refund_id=made.pk)

    assert "settled" in NotifyRecord.objects.get().outcome  # the flow really ran
    assert caplog.records
    assert_no_key(caplog.text, key_chunks(sandbox_settings.ALIPAY_KEYS_DIR))


def test_admin_pages_show_no_key_nor_signature(paid_order, sandbox_settings, operator, client):
    order = paid_order(shipped=True)
    refund_submit(
        refund_id=refund_create(order=order, actor=None, amount=Decimal("5.00"), reason="x").pk
    )
    client.force_login(operator)
    payment, record, refund = (
        Payment.objects.get(),
        NotifyRecord.objects.get(),
        Refund.objects.get(),
    )
    urls = [
        reverse("admin:payments_payment_changelist"),
        reverse("admin:payments_payment_change", args=[payment.pk]),
        reverse("admin:payments_notifyrecord_changelist"),
        reverse("admin:payments_notifyrecord_change", args=[record.pk]),
        reverse("admin:payments_refund_changelist"),
        reverse("admin:payments_refund_change", args=[refund.pk]),
        reverse("admin:payments_refund_order", args=[order.pk]),
        reverse("admin:orders_order_change", args=[order.pk]),
    ]

    pages = [client.get(url) for url in urls]

    assert [page.status_code for page in pages] == [200] * len(urls)
    chunks = key_chunks(sandbox_settings.ALIPAY_KEYS_DIR)
    for page in pages:
        assert_no_key(page.content.decode(), chunks)
    assert "sign" not in record.params
    assert_no_key(str(record.params), chunks)


def test_a_rejected_notification_and_its_record_hold_no_key(sandbox_settings, live_server):
    from tests.payments.test_notify import post, signed

    order = place_order((variant_in_stock(price="88.00"), 1))
    payment = Payment.objects.create(order=order, amount=order.total, out_trade_no="S1001")
    forged = {**signed(payment), "total_amount": "0.01"}  # signature no longer matches

    answer = post(live_server.url + "/payments/alipay/notify/", forged)

    assert answer == "failure"
    record = NotifyRecord.objects.get()
    assert record.outcome == "rejected: bad signature"
    assert_no_key(str(record.params) + record.outcome, key_chunks(sandbox_settings.ALIPAY_KEYS_DIR))


def test_the_sandbox_400_page_shows_no_key(sandbox_settings, browser):
    page = browser.get(sandbox_settings.ALIPAY_GATEWAY + "?method=alipay.trade.page.pay&sign=x")

    assert page.status == 400
    assert_no_key(page.html, key_chunks(sandbox_settings.ALIPAY_KEYS_DIR))


def test_a_500_with_debug_off_shows_and_mails_no_key(sandbox_settings, caplog):
    sandbox_settings.DEBUG = False
    sandbox_settings.ADMINS = [("Ops", "ops@example.com")]
    # The shop's private key loads fine; Alipay's public key is broken, so building the gateway
    # fails while the private key has just been read: a real crash with the key close by.
    sandbox_settings.ALIPAY_PUBLIC_KEY = "not a key"
    shopper = UserFactory()
    order = place_order((variant_in_stock(), 1), user=shopper)
    client = Client(raise_request_exception=False)
    client.force_login(shopper)

    response = client.post(reverse("payments:alipay_start", args=[order.number]))

    assert response.status_code == 500
    chunks = key_chunks(sandbox_settings.ALIPAY_KEYS_DIR)
    assert_no_key(response.content.decode(), chunks)
    assert_no_key(caplog.text, chunks)
    assert_no_key("".join(m.body for m in mail.outbox), chunks)


def test_no_private_key_is_in_the_repository(alipay_keys):
    tracked = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    chunks = key_chunks(alipay_keys) + key_chunks(ROOT / "var" / "alipay-keys")
    leaks = []
    for name in filter(None, tracked):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        if PEM_PRIVATE.search(text) or any(chunk in text for chunk in chunks):
            leaks.append(name)

    assert len(tracked) > 100  # the scan really saw the checkout
    assert leaks == []
