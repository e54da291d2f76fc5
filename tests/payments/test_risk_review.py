"""Scoring an order before its first payment, holding it for review, and a person's approval or
rejection: through the services, the shopper's pages and admin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Address
from orders import services as order_services
from orders.errors import OrderError
from orders.models import Order, OrderEventType
from orders.models import OrderStatus as S
from payments.errors import PaymentError
from payments.models import Payment, PaymentStatus, RiskAssessment, RiskDecision, RiskRule
from payments.risk_review import (
    reason_text,
    risk_assess_order,
    risk_order_facts,
    risk_review_approve,
    risk_review_reject,
)
from payments.services import payment_start
from tests.accounts.factories import StaffFactory, UserFactory
from tests.orders.factories import ADDRESS, allocated, place_order, variant_in_stock

pytestmark = pytest.mark.django_db

URLS = {"return_url": "http://shop.test/return/", "notify_url": "http://shop.test/notify/"}


@pytest.fixture(autouse=True)
def rules(settings, alipay_keys):
    """Only the rule a test turns on, and keys to sign a cashier URL with."""
    settings.ALIPAY_KEYS_DIR = alipay_keys
    settings.ALIPAY_APP_PRIVATE_KEY = settings.ALIPAY_PUBLIC_KEY = ""
    settings.ALIPAY_APP_PRIVATE_KEY_FILE = settings.ALIPAY_PUBLIC_KEY_FILE = ""
    settings.PAYMENTS_RISK_REVIEW_THRESHOLD = 60
    RiskRule.objects.update(enabled=False)

    def turn_on(code: str, **limits) -> RiskRule:
        rule, _ = RiskRule.objects.update_or_create(
            code=code, defaults={"enabled": True, "score": 60, **limits}
        )
        return rule

    return turn_on


@pytest.fixture
def new_account():
    return UserFactory(email="new@example.com", date_joined=timezone.now() - timedelta(days=1))


def large_order(user, price: str = "2500.00") -> Order:
    return place_order((variant_in_stock(price=price), 1), user=user)


def start(order: Order):
    return payment_start(order=order, mobile=False, **URLS)


def test_an_order_over_the_threshold_is_held_and_cannot_be_paid(rules, new_account):
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"))
    order = large_order(new_account)

    with pytest.raises(PaymentError, match=r"Your order is being reviewed; we'll email you\."):
        start(order)

    order.refresh_from_db()
    assert order.status == S.UNDER_REVIEW
    assessment = RiskAssessment.objects.get(order=order)
    assert (assessment.decision, assessment.score) == (RiskDecision.NEEDS_REVIEW, 60)
    assert [r["code"] for r in assessment.reasons] == ["new_account_large_amount"]
    assert not Payment.objects.exists()


def test_an_order_below_the_threshold_passes_and_is_scored_once(rules, new_account):
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"))
    order = large_order(new_account, price="1999.00")

    start(order)
    start(order)

    assessment = RiskAssessment.objects.get(order=order)
    assert (assessment.decision, assessment.score) == (RiskDecision.AUTO_PASSED, 0)
    assert Payment.objects.filter(order=order, status=PaymentStatus.PENDING).count() == 1


def test_a_disabled_rule_does_not_count(rules, new_account):
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"), enabled=False)
    order = large_order(new_account)

    start(order)

    assert RiskAssessment.objects.get(order=order).decision == RiskDecision.AUTO_PASSED


def test_the_threshold_is_a_setting(rules, new_account, settings):
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"), score=59)
    order = large_order(new_account)
    settings.PAYMENTS_RISK_REVIEW_THRESHOLD = 59

    with pytest.raises(PaymentError):
        start(order)


def held_order(rules, user) -> tuple[Order, RiskAssessment]:
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"))
    order = large_order(user)
    assessment = risk_assess_order(order=order)
    order.refresh_from_db()
    return order, assessment


def test_approving_lets_the_shopper_pay_and_emails_them(
    rules, new_account, django_capture_on_commit_callbacks
):
    order, assessment = held_order(rules, new_account)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        risk_review_approve(assessment=assessment, actor=None, note="called the customer")

    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assessment.refresh_from_db()
    assert (assessment.decision, assessment.review_note) == (
        RiskDecision.APPROVED,
        "called the customer",
    )
    assert "is ready to be paid" in mail.outbox[-1].subject
    _payment, url = start(order)
    assert "alipay.trade.page.pay" in url


def test_rejecting_cancels_the_order_and_releases_its_stock(rules, new_account):
    order, assessment = held_order(rules, new_account)
    variant = order.lines.get().variant
    assert allocated(variant) == 1

    risk_review_reject(assessment=assessment, actor=None, reason="stolen card")

    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert allocated(variant) == 0
    event = order.events.last()
    assert (event.type, event.note) == (OrderEventType.REJECTED, "stolen card")
    assert RiskAssessment.objects.get(pk=assessment.pk).decision == RiskDecision.REJECTED


def test_a_review_is_decided_once(rules, new_account):
    _order, assessment = held_order(rules, new_account)
    risk_review_approve(assessment=assessment, actor=None)

    with pytest.raises(OrderError, match="already been reviewed"):
        risk_review_reject(assessment=assessment, actor=None, reason="too late")


def test_a_merchant_cannot_approve_an_order_shared_with_another(rules, new_account, merchant_a):
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"))
    mine = variant_in_stock(price="1500.00")
    mine.product.merchant = merchant_a
    mine.product.save()
    order = place_order((mine, 1), (variant_in_stock(price="900.00"), 1), user=new_account)
    assessment = risk_assess_order(order=order)

    with pytest.raises(OrderError, match="other merchants' items"):
        risk_review_approve(assessment=assessment, actor=StaffFactory(merchant=merchant_a))


# --- What the rules see in the database ---------------------------------------------------------


def test_orders_from_the_same_ip_address_are_counted(rules):
    rules("ip_velocity", max_count=1, window_hours=1)
    for email in ("a@example.com", "b@example.com"):
        order = place_order((variant_in_stock(), 1), email=email)
        Order.objects.filter(pk=order.pk).update(client_ip="203.0.113.7")
    order.refresh_from_db()

    assessment = risk_assess_order(order=order)

    assert assessment.decision == RiskDecision.NEEDS_REVIEW
    assert assessment.reasons[0]["params"]["count"] == 2


def test_closed_payments_of_the_account_count_as_failed(rules):
    shopper = UserFactory()
    earlier = place_order((variant_in_stock(), 1), user=shopper)
    for n in range(2):
        Payment.objects.create(
            order=earlier,
            amount=earlier.total,
            out_trade_no=f"{earlier.number}-{n}",
            status=PaymentStatus.CLOSED,
        )
    order = place_order((variant_in_stock(), 1), user=shopper)

    facts = risk_order_facts(order=order)

    assert len(facts.failed_payment_times) == 2


def test_earlier_paid_orders_and_the_default_address_are_the_usual_places(rules):
    shopper = UserFactory()
    Address.objects.create(
        user=shopper, is_default=True, **{**ADDRESS.__dict__, "province": "广东省"}
    )
    earlier = place_order((variant_in_stock(), 1), user=shopper)
    order_services.order_mark_paid(order=earlier, actor=None)
    unpaid = place_order((variant_in_stock(), 1), user=shopper)
    Order.objects.filter(pk=unpaid.pk).update(province="新疆维吾尔自治区")
    order = place_order((variant_in_stock(), 1), user=shopper)

    facts = risk_order_facts(order=order)

    assert facts.previous_provinces == ("浙江省",)  # the unpaid order is not a delivery
    assert facts.home_province == "广东省"
    rules("region_mismatch", score=60)
    assessment = risk_assess_order(order=order)
    assert reason_text(assessment.reasons[0]) == (
        "Shipping to 浙江省, but the account's home province is 广东省"
    )


# --- The shopper's side -------------------------------------------------------------------------


def test_a_held_order_page_says_it_is_being_reviewed_without_a_pay_button(
    rules, new_account, client
):
    order, _assessment = held_order(rules, new_account)
    client.force_login(new_account)

    html = client.get(order.get_absolute_url()).content.decode()

    assert "Your order is being reviewed; we'll email you." in html
    assert "data-pay-button" not in html


def test_a_crafted_pay_post_for_a_held_order_pays_nothing(rules, new_account, client):
    order, _assessment = held_order(rules, new_account)
    client.force_login(new_account)

    response = client.post(reverse("payments:alipay_start", args=[order.number]), follow=True)

    assert response.redirect_chain[0][0] == order.get_absolute_url()
    assert "Your order is being reviewed" in response.content.decode()
    assert not Payment.objects.exists()


def test_client_ip_is_recorded_at_checkout(rules, client):
    from orders.views import CHECKOUT_SESSION_KEY
    from tests.orders.factories import fill_cart, shipping_method

    variant = variant_in_stock()
    session = client.session
    fill_cart((variant, 1), session=session)
    session[CHECKOUT_SESSION_KEY] = {
        "email": "guest@example.com",
        "address": ADDRESS.__dict__,
        "address_id": None,
        "shipping_method_id": shipping_method().pk,
        "key": "k" * 32,
    }
    session.save()

    client.post(reverse("orders:place"), {"checkout_key": "k" * 32}, REMOTE_ADDR="198.51.100.4")

    assert Order.objects.get().client_ip == "198.51.100.4"


# --- Admin --------------------------------------------------------------------------------------


@pytest.fixture
def operator():
    return UserFactory(is_staff=True, is_superuser=True)


def test_admin_shows_the_reasons_and_approves(rules, new_account, operator, client):
    order, assessment = held_order(rules, new_account)
    client.force_login(operator)
    change = reverse("admin:payments_riskassessment_change", args=[assessment.pk])

    html = client.get(change).content.decode()
    assert "¥2,500.00 from an account 1 days old" in html
    approve = reverse("admin:payments_riskassessment_review", args=[assessment.pk, "approve"])
    assert approve in html
    response = client.post(approve, {"note": "known customer"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT


def test_admin_reject_needs_a_reason(rules, new_account, operator, client):
    _order, assessment = held_order(rules, new_account)
    client.force_login(operator)
    reject = reverse("admin:payments_riskassessment_review", args=[assessment.pk, "reject"])

    response = client.post(reject, {"note": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert RiskAssessment.objects.get().decision == RiskDecision.NEEDS_REVIEW


def test_risk_data_is_merchant_scoped_in_admin(rules, new_account, merchant_a, merchant_b, client):
    rules("new_account_large_amount", account_age_days=7, amount=Decimal("2000.00"))
    variant = variant_in_stock(price="2500.00")
    variant.product.merchant = merchant_a
    variant.product.save()
    order = place_order((variant, 1), user=new_account)
    assessment = risk_assess_order(order=order)
    change = reverse("admin:payments_riskassessment_change", args=[assessment.pk])
    changelist = reverse("admin:payments_riskassessment_changelist")

    client.force_login(StaffFactory(merchant=merchant_b))
    assert client.get(change).status_code == 404
    assert order.number not in client.get(changelist).content.decode()
    reject = reverse("admin:payments_riskassessment_review", args=[assessment.pk, "reject"])
    assert client.post(reject, {"note": "x"}).status_code == 404

    client.force_login(StaffFactory(merchant=merchant_a))
    assert order.number in client.get(changelist).content.decode()
    assert client.post(reject, {"note": "fraud"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_risk_rules_are_the_operators_to_tune(rules, operator, merchant_a, client):
    rule = rules("far_address", distance_km=1500)
    url = reverse("admin:payments_riskrule_change", args=[rule.pk])

    client.force_login(StaffFactory(merchant=merchant_a))
    assert client.get(url).status_code == 403

    client.force_login(operator)
    response = client.post(
        url,
        {"enabled": "on", "score": "35", "distance_km": "800", "max_count": "", "window_hours": "",
         "account_age_days": "", "amount": ""},
    )  # fmt: skip
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.score, rule.distance_km) == (35, 800)
