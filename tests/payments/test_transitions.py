"""The payment and refund state machines: one writer per status, which checks the allowed moves
and records a typed event; an illegal move is refused and changes nothing."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from payments import transitions
from payments.errors import IllegalPaymentTransition
from payments.models import (
    Payment,
    PaymentEvent,
    PaymentEventType,
    PaymentStatus,
    Refund,
    RefundEvent,
    RefundEventType,
    RefundStatus,
)
from payments.services import payment_status_move, refund_status_move
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _payment(status: str = PaymentStatus.PENDING) -> Payment:
    order = place_order((variant_in_stock(price="10.00"), 1))
    return Payment.objects.create(
        order=order, amount=order.total, out_trade_no=f"{order.number}-1", status=status
    )


def _refund(status: str = RefundStatus.PENDING) -> Refund:
    payment = _payment(PaymentStatus.PAID)
    return Refund.objects.create(
        payment=payment,
        amount=Decimal("5.00"),
        reason="test",
        out_request_no=f"{payment.out_trade_no}-R1",
        status=status,
    )


def test_a_paid_payment_cannot_be_closed():
    payment = _payment(PaymentStatus.PAID)

    with pytest.raises(IllegalPaymentTransition):
        payment_status_move(
            payment=payment, to_status=PaymentStatus.CLOSED, type=PaymentEventType.CLOSED
        )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert not PaymentEvent.objects.filter(payment=payment).exists()


def test_a_stale_instance_is_checked_against_the_row():
    payment = _payment()
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.REFUNDED)

    with pytest.raises(IllegalPaymentTransition):
        payment_status_move(payment=payment, to_status=PaymentStatus.PAID, type="paid")

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED


def test_a_legal_move_saves_the_status_and_records_a_typed_event():
    payment = _payment()
    payment.trade_no = "2026120322001400000000000001"

    payment_status_move(
        payment=payment,
        to_status=PaymentStatus.PAID,
        type=PaymentEventType.PAID,
        params={"gateway": "alipay", "trade_no": payment.trade_no},
        fields=("trade_no",),
    )

    stored = Payment.objects.get(pk=payment.pk)
    assert (stored.status, stored.trade_no) == (PaymentStatus.PAID, payment.trade_no)
    event = PaymentEvent.objects.get(payment=payment)
    assert (event.from_status, event.to_status, event.type) == ("pending", "paid", "paid")
    assert event.params == {"gateway": "alipay", "trade_no": payment.trade_no}


def test_a_made_refund_cannot_be_refused_afterwards():
    refund = _refund(RefundStatus.SUCCEEDED)

    with pytest.raises(IllegalPaymentTransition):
        refund_status_move(refund=refund, to_status=RefundStatus.FAILED, type="failed")

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert not RefundEvent.objects.filter(refund=refund).exists()


def test_a_pending_refund_moves_once_with_its_event():
    refund = _refund()

    refund_status_move(
        refund=refund,
        to_status=RefundStatus.FAILED,
        type=RefundEventType.FAILED,
        params={"message": "ACQ.TRADE_STATUS_ERROR"},
    )

    event = RefundEvent.objects.get(refund=refund)
    assert (event.from_status, event.to_status, event.type) == ("pending", "failed", "failed")
    with pytest.raises(IllegalPaymentTransition):
        refund_status_move(refund=refund, to_status=RefundStatus.SUCCEEDED, type="succeeded")


def test_every_status_has_its_moves():
    assert set(transitions.PAYMENT_ALLOWED) == set(PaymentStatus.values)
    assert set(transitions.REFUND_ALLOWED) == set(RefundStatus.values)
    assert not transitions.payment_can_move(PaymentStatus.REFUNDED, PaymentStatus.PAID)
    assert transitions.payment_can_move(PaymentStatus.CLOSED, PaymentStatus.PAID)


def _sources(*packages: str) -> list[Path]:
    return [p for package in packages for p in (ROOT / package).rglob("*.py")]


def test_no_status_is_written_outside_the_move_functions():
    """Grep: `<something>.status = ...` on a payment or refund only in the two movers."""
    assignment = re.compile(r"^[ \t]*\w+(?:\.\w+)*\.status[ \t]*=[^=].*$", re.M)
    found = [
        (str(path.relative_to(ROOT)), match.group(0).strip())
        for path in _sources("payments", "alipay_sandbox")
        for match in assignment.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == [
        ("payments/services.py", "payment.status = to_status"),
        ("payments/services.py", "refund.status = to_status"),
    ]


def test_row_locks_are_taken_only_in_locks_py():
    users = [
        str(path.relative_to(ROOT))
        for path in _sources("payments", "alipay_sandbox")
        if "select_for_update" in path.read_text(encoding="utf-8")
    ]
    assert users == ["payments/locks.py"]


def test_payments_never_imports_the_sandbox():
    importers = [
        str(path.relative_to(ROOT))
        for path in _sources("payments")
        if re.search(r"^\s*(from|import) alipay_sandbox", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importers == []
