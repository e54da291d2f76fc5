"""Fraud and risk review: scoring an order before its first payment (the rules are in
payments/risk.py, tuned in admin as RiskRule rows), holding it for review when the score reaches
PAYMENTS_RISK_REVIEW_THRESHOLD, and a person's approval or rejection.

The order's own state changes (held, payable again, cancelled) go through orders.services, which
also decides who may act on an order shared between merchants."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Address
from common.money import money_format
from orders import locks as order_locks
from orders import services as order_services
from orders.errors import IllegalTransition
from orders.models import Order, OrderEventType, OrderStatus

from . import locks, risk
from .models import Payment, PaymentStatus, RiskAssessment, RiskDecision, RiskRule

if TYPE_CHECKING:
    from accounts.models import User

LOOKBACK = timedelta(days=30)
HISTORY_LIMIT = 500  # rows of history per question; a rule never needs more
HELD_NOTE = "held for review"

REASON_TEXTS = {
    "account_velocity": gettext_lazy(
        "%(count)s orders from this account within %(hours)s hours (at most %(limit)s expected)"
    ),
    "ip_velocity": gettext_lazy(
        "%(count)s orders from this IP address within %(hours)s hours (at most %(limit)s expected)"
    ),
    "new_account_large_amount": gettext_lazy(
        "%(total)s from an account %(age_days)s days old (large: from %(amount)s; "
        "new: under %(days)s days)"
    ),
    "failed_payments": gettext_lazy(
        "%(count)s failed or abandoned payments within %(hours)s hours (at most %(limit)s expected)"
    ),
    "far_address": gettext_lazy(
        "Shipping %(km)s km away from the nearest earlier delivery (%(usual)s; far: over "
        "%(limit)s km)"
    ),
    "region_mismatch": gettext_lazy(
        "Shipping to %(shipping)s, but the account's home province is %(home)s"
    ),
}


def reason_text(reason: dict) -> str:
    """One stored reason as a sentence in the active language."""
    template = REASON_TEXTS.get(reason.get("code", ""))
    if template is None:
        return str(reason.get("code", ""))
    try:
        params = dict(reason.get("params", {}))
        for name in ("total", "amount"):  # amounts of money, stored as plain numbers
            if name in params:
                params[name] = money_format(params[name]) or params[name]
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(reason.get("code", ""))


def _times(queryset, field: str = "created_at") -> tuple:
    return tuple(queryset.order_by(f"-{field}").values_list(field, flat=True)[:HISTORY_LIMIT])


def risk_order_facts(*, order: Order, now: datetime | None = None) -> risk.OrderFacts:
    """What the rules know about the order and who placed it (a guest: by email address)."""
    now = now or timezone.now()
    since = now - LOOKBACK
    others = Order.objects.exclude(pk=order.pk)
    user = order.user
    mine = (
        others.filter(user=user)
        if user is not None
        else others.filter(user=None, email=order.email)
    )
    payments = Payment.objects.exclude(order=order).filter(
        status=PaymentStatus.CLOSED, updated_at__gte=since
    )
    payments = (
        payments.filter(order__user=user)
        if user is not None
        else payments.filter(order__user=None, order__email=order.email)
    )
    home = ""
    if user is not None:
        home = (
            Address.objects.filter(user=user)
            .order_by("-is_default", "created_at", "id")
            .values_list("province", flat=True)
            .first()
            or ""
        )
    previous = mine.filter(paid_at__isnull=False).exclude(province="")
    return risk.OrderFacts(
        now=now,
        total=order.total,
        shipping_province=order.province,
        account_created_at=user.date_joined if user is not None else None,
        account_order_times=_times(mine.filter(created_at__gte=since)) if user else (),
        ip_order_times=(
            _times(others.filter(client_ip=order.client_ip, created_at__gte=since))
            if order.client_ip
            else ()
        ),
        failed_payment_times=_times(payments, "updated_at"),
        previous_provinces=tuple(
            sorted(set(previous.values_list("province", flat=True)[:HISTORY_LIMIT]))
        ),
        home_province=home,
    )


def risk_rules() -> list[risk.RuleConfig]:
    return [
        risk.RuleConfig(
            code=rule.code,
            score=rule.score,
            max_count=rule.max_count,
            window_hours=rule.window_hours,
            account_age_days=rule.account_age_days,
            amount=rule.amount,
            distance_km=rule.distance_km,
        )
        for rule in RiskRule.objects.filter(enabled=True)
    ]


def risk_assess_order(*, order: Order, now: datetime | None = None) -> RiskAssessment | None:
    """Score an order awaiting payment, once: the first call records a RiskAssessment (later
    calls return it) and, at or above the threshold, holds the order for review. Orders in any
    other status are not scored (None)."""
    existing = RiskAssessment.objects.filter(order_id=order.pk).first()
    if existing is not None or order.status != OrderStatus.PENDING_PAYMENT:
        return existing
    verdict = risk.score_order(
        risk_order_facts(order=order, now=now),
        risk_rules(),
        threshold=settings.PAYMENTS_RISK_REVIEW_THRESHOLD,
    )
    with transaction.atomic():
        locked = order_locks.lock_order(order.pk)
        existing = RiskAssessment.objects.filter(order_id=order.pk).first()
        if existing is not None or locked.status != OrderStatus.PENDING_PAYMENT:
            return existing
        assessment = RiskAssessment.objects.create(
            order=locked,
            score=verdict.score,
            threshold=verdict.threshold,
            reasons=[
                {"code": r.code, "score": r.score, "params": r.params} for r in verdict.reasons
            ],
            decision=RiskDecision.NEEDS_REVIEW
            if verdict.needs_review
            else RiskDecision.AUTO_PASSED,
        )
        if verdict.needs_review:
            order_services.order_hold_for_review(order=locked, actor=None, note=HELD_NOTE)
    return assessment


def _locked_for_review(assessment: RiskAssessment) -> tuple[Order, RiskAssessment]:
    order = order_locks.lock_order(assessment.order_id)
    assessment = locks.lock_risk_assessment(assessment.pk)
    if assessment.decision != RiskDecision.NEEDS_REVIEW:
        raise IllegalTransition(
            _("This order has already been reviewed: %(decision)s.")
            % {"decision": assessment.get_decision_display()}
        )
    return order, assessment


def _decide(assessment: RiskAssessment, decision: str, actor: User | None, note: str) -> None:
    assessment.decision = decision
    assessment.reviewer = actor if getattr(actor, "is_authenticated", False) else None
    assessment.reviewed_at = timezone.now()
    assessment.review_note = note[:500]
    assessment.save(
        update_fields=["decision", "reviewer", "reviewed_at", "review_note", "updated_at"]
    )


@transaction.atomic
def risk_review_approve(
    *, assessment: RiskAssessment, actor: User | None, note: str = ""
) -> RiskAssessment:
    """The order held for review may be paid: the shopper gets an email with a new deadline."""
    order, assessment = _locked_for_review(assessment)
    order_services.order_review_approve(order=order, actor=actor, note="review approved")
    _decide(assessment, RiskDecision.APPROVED, actor, note)
    return assessment


@transaction.atomic
def risk_review_reject(
    *, assessment: RiskAssessment, actor: User | None, reason: str
) -> RiskAssessment:
    """The order held for review is cancelled (its stock released, the shopper told)."""
    order, assessment = _locked_for_review(assessment)
    order_services.order_cancel(
        order=order, actor=actor, reason=reason, type=OrderEventType.REJECTED
    )
    _decide(assessment, RiskDecision.REJECTED, actor, reason)
    return assessment
