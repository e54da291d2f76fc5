"""What the public notify endpoint keeps of what it is sent: rejected notifications only in short
and not for ever, an address that keeps sending them is refused unread, and a body larger than
any notification is refused. Verified notifications are kept whole."""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from payments.events import REJECTED_KEPT_PARAMS, REJECTED_VALUE_CHARS
from payments.models import NotifyRecord, Payment
from tests.payments.test_notify import post, signed

pytestmark = pytest.mark.django_db(transaction=True)


def unsigned(payment: Payment, **extra: str) -> dict:
    return {k: v for k, v in signed(payment).items() if k != "sign"} | extra


def post_body(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode()


def test_a_rejected_notification_is_kept_only_in_short(payment, notify_url):
    junk = {f"junk{i}": "x" * 100 for i in range(200)}

    sent = unsigned(payment, notify_id="n" * 5000, **junk)

    answer = post(notify_url, sent)

    assert answer == "failure"
    record = NotifyRecord.objects.get()
    assert record.outcome == "rejected: missing sign" and not record.verified
    assert set(record.params) <= {*REJECTED_KEPT_PARAMS, "other_params_dropped"}
    dropped = [name for name in sent if name not in REJECTED_KEPT_PARAMS]
    assert len(dropped) > 200 and record.params["other_params_dropped"] == len(dropped)
    assert record.params["notify_id"] == "n" * REJECTED_VALUE_CHARS
    assert record.params["out_trade_no"] == payment.out_trade_no
    assert len(json.dumps(record.params)) < 2048


def test_a_verified_notification_is_kept_whole(payment, notify_url):
    params = signed(payment, body="a note the buyer wrote " * 20)

    assert post(notify_url, params) == "success"

    record = NotifyRecord.objects.get()
    assert record.verified
    assert record.params == {k: v for k, v in params.items() if k != "sign"}


def test_a_body_larger_than_any_notification_is_refused_unread(payment, notify_url):
    body = b"notify_id=1&junk=" + b"x" * 200_000

    assert post_body(notify_url, body) == (200, "failure")

    assert not NotifyRecord.objects.exists()


def test_a_huge_body_answers_failure_not_an_error(payment, notify_url):
    body = b"junk=" + b"x" * 3_000_000  # above Django's own limit on form data in memory too

    assert post_body(notify_url, body) == (200, "failure")

    assert not NotifyRecord.objects.exists()


def test_an_address_that_sends_too_many_rejected_notifications_is_refused_unread(
    payment, notify_url, sandbox_settings, caplog
):
    sandbox_settings.PAYMENTS_NOTIFY_REJECTED_LIMIT = 3
    caplog.set_level(logging.WARNING, logger="payments.notify_limits")

    answers = [post(notify_url, unsigned(payment, notify_id=str(i))) for i in range(6)]

    assert answers == ["failure"] * 6
    assert sorted(NotifyRecord.objects.values_list("notify_id", flat=True)) == ["0", "1", "2"]
    refusals = [r for r in caplog.records if "refusing its notifications" in r.getMessage()]
    assert len(refusals) == 1


def test_oversized_bodies_count_towards_the_limit(payment, notify_url, sandbox_settings):
    sandbox_settings.PAYMENTS_NOTIFY_REJECTED_LIMIT = 2
    for _ in range(2):
        post_body(notify_url, b"junk=" + b"x" * 100_000)

    answer = post(notify_url, unsigned(payment))

    assert answer == "failure"
    assert not NotifyRecord.objects.exists()


def test_verified_notifications_do_not_count_towards_the_limit(
    payment, notify_url, sandbox_settings
):
    sandbox_settings.PAYMENTS_NOTIFY_REJECTED_LIMIT = 2
    post(notify_url, unsigned(payment, notify_id="first"))

    answers = [post(notify_url, signed(payment)) for _ in range(3)]  # settled, then duplicates
    post(notify_url, unsigned(payment, notify_id="second"))

    assert answers == ["success"] * 3
    assert NotifyRecord.objects.filter(verified=True).count() == 3
    rejected = NotifyRecord.objects.filter(verified=False)
    assert sorted(rejected.values_list("notify_id", flat=True)) == ["first", "second"]


def test_only_the_newest_rejected_records_are_kept(payment, notify_url, sandbox_settings):
    sandbox_settings.PAYMENTS_NOTIFY_REJECTED_KEEP = 3
    post(notify_url, signed(payment))

    for i in range(5):
        post(notify_url, unsigned(payment, notify_id=str(i)))

    rejected = NotifyRecord.objects.filter(verified=False)
    assert sorted(rejected.values_list("notify_id", flat=True)) == ["2", "3", "4"]
    assert NotifyRecord.objects.filter(verified=True).count() == 1


def test_old_rejected_records_are_deleted_and_old_verified_ones_kept(
    payment, notify_url, sandbox_settings
):
    sandbox_settings.PAYMENTS_NOTIFY_REJECTED_KEEP_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    NotifyRecord.objects.create(created_at=long_ago, verified=False, outcome="rejected: old")
    NotifyRecord.objects.create(created_at=long_ago, verified=True, outcome="settled")

    post(notify_url, unsigned(payment, notify_id="new"))

    assert sorted(NotifyRecord.objects.values_list("outcome", flat=True)) == [
        "rejected: missing sign",
        "settled",
    ]
