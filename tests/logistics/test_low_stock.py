"""Low-stock thresholds: a row at or below its threshold (its own, else its warehouse's) is low;
going low sends its merchant's staff one email, once per crossing, after commit."""

import pytest
from django.core import mail

from logistics import services, tasks
from logistics.models import Stock
from tests.accounts.factories import MerchantFactory, StaffFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory
from tests.logistics.test_services import line_for, request_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant():
    return MerchantFactory()


@pytest.fixture
def staff(merchant):
    return StaffFactory(merchant=merchant, email="stock@merchant.example")


@pytest.fixture
def row(merchant, staff):
    variant = VariantFactory(product=ProductFactory(merchant=merchant), sku="TEA-1")
    return StockFactory(variant=variant, quantity=10, low_stock_threshold=3)


def adjust(row: Stock, quantity: int, capture) -> Stock:
    with capture(execute=True):
        return services.stock_adjust(stock=row, quantity=quantity, actor=None, reason="count")


def test_falling_to_the_threshold_sends_one_email_and_falling_further_none(
    row, staff, django_capture_on_commit_callbacks
):
    adjust(row, 4, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # above the threshold

    adjust(row, 3, django_capture_on_commit_callbacks)
    adjust(row, 1, django_capture_on_commit_callbacks)  # still low: no second email

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff.email]
    assert "TEA-1" in mail.outbox[0].subject
    assert f"/admin/logistics/stock/{row.pk}/change/" in mail.outbox[0].body
    row.refresh_from_db()
    assert row.low_stock_since is not None


def test_going_back_above_and_low_again_is_a_new_crossing(row, django_capture_on_commit_callbacks):
    adjust(row, 2, django_capture_on_commit_callbacks)
    adjust(row, 8, django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert row.low_stock_since is None  # back above: the flag is cleared

    adjust(row, 0, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2


def test_a_retried_or_duplicated_alert_sends_nothing_more(row, django_capture_on_commit_callbacks):
    adjust(row, 2, django_capture_on_commit_callbacks)

    assert tasks.send_low_stock_alert(row.pk) == 0
    assert tasks.send_low_stock_alert(row.pk) == 0
    assert len(mail.outbox) == 1


def test_an_alert_for_a_row_back_above_sends_nothing(row, django_capture_on_commit_callbacks):
    # The task runs late: by then units were received and the row is no longer low
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.stock_adjust(stock=row, quantity=2, actor=None, reason="count")
    adjust(row, 9, django_capture_on_commit_callbacks)

    for callback in queued:
        callback()

    assert mail.outbox == []


def test_an_alert_that_failed_to_send_is_sent_by_the_retry(
    row, monkeypatch, django_capture_on_commit_callbacks
):
    def smtp_down(**kwargs):
        raise ConnectionRefusedError("smtp down")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.stock_adjust(stock=row, quantity=2, actor=None, reason="count")
    monkeypatch.setattr(tasks.notifications, "send_low_stock_email", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        for callback in queued:
            callback()
    monkeypatch.undo()

    assert tasks.send_low_stock_alert(row.pk) == 1
    assert len(mail.outbox) == 1


def test_the_warehouse_threshold_applies_to_rows_without_their_own(
    merchant, staff, django_capture_on_commit_callbacks
):
    warehouse = WarehouseFactory(low_stock_threshold=5)
    variant = VariantFactory(product=ProductFactory(merchant=merchant))
    inherits = StockFactory(warehouse=warehouse, variant=variant, quantity=10)
    own = StockFactory(
        warehouse=WarehouseFactory(low_stock_threshold=5),
        variant=variant,
        quantity=10,
        low_stock_threshold=1,
    )

    adjust(inherits, 5, django_capture_on_commit_callbacks)
    adjust(own, 5, django_capture_on_commit_callbacks)  # its own threshold, 1, is not reached

    assert len(mail.outbox) == 1
    assert inherits.warehouse.name in mail.outbox[0].subject


def test_no_threshold_means_no_alert(merchant, staff, django_capture_on_commit_callbacks):
    row = StockFactory(variant=VariantFactory(product=ProductFactory(merchant=merchant)))

    adjust(row, 0, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_allocating_to_an_order_counts_as_available_falling(
    row, django_capture_on_commit_callbacks
):
    # 10 on hand, 7 allocated: 3 available, the threshold
    line = line_for(row.variant, 7)
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_allocate(requests=[request_for(line)])

    assert len(mail.outbox) == 1


def test_only_the_merchant_staff_hear_of_it(row, staff, django_capture_on_commit_callbacks):
    StaffFactory(email="other@merchant.example")  # another merchant's staff
    UserFactory(email="op@shop.example", is_staff=True, is_superuser=True)

    adjust(row, 0, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_a_merchant_without_staff_leaves_it_to_the_operators(django_capture_on_commit_callbacks):
    operator = UserFactory(email="op@shop.example", is_staff=True, is_superuser=True)
    row = StockFactory(quantity=10, low_stock_threshold=3)

    adjust(row, 0, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[operator.email]]


def test_the_email_is_in_the_staff_member_language(row, staff, django_capture_on_commit_callbacks):
    staff.preferred_language = "zh-hans"
    staff.save()

    adjust(row, 0, django_capture_on_commit_callbacks)

    assert "库存" in mail.outbox[0].subject


def test_setting_a_threshold_the_row_is_already_under_alerts(
    row, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_threshold_set(stock=row, threshold=10, actor=None)

    assert len(mail.outbox) == 1
