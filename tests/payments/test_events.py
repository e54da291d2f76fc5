"""Payment and refund events are worded from their type and params, in the reader's language;
the payment events written before they had a type get it from their old notes (and back)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone, translation

from payments.events import payment_event_text, refund_event_text
from payments.models import (
    Payment,
    PaymentEvent,
    PaymentEventType,
    Refund,
    RefundEvent,
    RefundEventType,
    RefundStatus,
)
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db

typing = importlib.import_module("payments.migrations.0006_typed_payment_and_refund_events")


@pytest.fixture
def payment() -> Payment:
    order = place_order((variant_in_stock(price="10.00"), 1))
    return Payment.objects.create(
        order=order, amount=order.total, out_trade_no=f"{order.number}-1", status="paid"
    )


def _event(payment, **fields) -> PaymentEvent:
    return PaymentEvent.objects.create(payment=payment, created_at=timezone.now(), **fields)


def test_a_payment_event_reads_in_the_readers_language(payment):
    event = _event(
        payment,
        from_status="pending",
        to_status="paid",
        type=PaymentEventType.PAID,
        params={"gateway": "alipay", "trade_no": "2026120322001"},
    )

    assert payment_event_text(event) == "Paid at Alipay (trade 2026120322001)."
    with translation.override("zh-hans"):
        assert payment_event_text(event) == "已通过支付宝付款（交易号 2026120322001）。"  # noqa: RUF001


def test_a_hold_for_review_names_the_order_status_translated(payment):
    event = _event(
        payment,
        from_status="pending",
        to_status="needs_review",
        type=PaymentEventType.NEEDS_REVIEW,
        params={
            "reason": "order",
            "gateway": "alipay",
            "trade_no": "T1",
            "order_status": "cancelled",
        },
    )

    assert payment_event_text(event) == (
        "Held for review: paid at Alipay (trade T1) while the order was Cancelled."
    )


def test_params_that_do_not_fit_fall_back_to_the_type_name(payment):
    event = _event(payment, from_status="", to_status="pending", type="paid", params={})

    assert payment_event_text(event) == "Paid"


def test_a_refund_event_shows_the_persons_reason_after_its_sentence(payment):
    refund = Refund.objects.create(
        payment=payment, amount=Decimal("5.00"), reason="damaged", out_request_no="X-R1"
    )
    event = RefundEvent.objects.create(
        refund=refund,
        created_at=timezone.now(),
        to_status=RefundStatus.PENDING,
        type=RefundEventType.REQUESTED,
        params={"amount": "5.00"},
        note="damaged",
    )

    assert refund_event_text(event) == "Refund of ¥5.00 requested. damaged"


def test_old_notes_become_typed_events_and_come_back(payment):
    refund = Refund.objects.create(
        payment=payment,
        amount=Decimal("5.00"),
        reason="damaged",
        out_request_no=f"{payment.out_trade_no}-R1",
        status=RefundStatus.SUCCEEDED,
        gateway_message="Success",
    )
    no = refund.out_request_no
    notes = [
        ("", "pending", "started"),
        ("pending", "paid", "alipay 2026120322001"),
        ("paid", "paid", f"refund {no} of 5.00 requested: damaged"),
        ("paid", "partially_refunded", f"refund {no} of 5.00 made (5.00 in all)"),
        ("partially_refunded", "partially_refunded", "something a person wrote"),
    ]
    for from_status, to_status, note in notes:
        _event(payment, from_status=from_status, to_status=to_status, note=note)

    typing.forwards(apps, None)

    events = list(payment.events.values_list("type", "params", "note"))
    assert events == [
        (PaymentEventType.STARTED, {"gateway": "alipay"}, ""),
        (PaymentEventType.PAID, {"gateway": "alipay", "trade_no": "2026120322001"}, ""),
        (
            PaymentEventType.REFUNDED,
            {"out_request_no": no, "amount": "5.00", "total": "5.00", "refund_id": refund.pk},
            "",
        ),
        (PaymentEventType.NOTE, {}, "something a person wrote"),
    ]
    assert list(refund.events.values_list("type", "params", "note")) == [
        (RefundEventType.REQUESTED, {"amount": "5.00"}, "damaged"),
        (RefundEventType.SUCCEEDED, {"message": "Success"}, ""),
    ]

    typing.backwards(apps, None)

    assert sorted(payment.events.values_list("note", flat=True)) == sorted(n for *_, n in notes)
    assert not RefundEvent.objects.exists()


def test_the_payment_admin_words_its_events(payment, admin_client):
    _event(
        payment,
        from_status="pending",
        to_status="paid",
        type=PaymentEventType.PAID,
        params={"gateway": "alipay", "trade_no": "2026120322001"},
    )

    page = admin_client.get(f"/admin/payments/payment/{payment.pk}/change/")

    assert page.status_code == 200
    assert "Paid at Alipay (trade 2026120322001)." in page.content.decode()
