"""Payments at a gateway (Alipay), their audit trail, and every notification the gateway sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, Event, TimeStampedModel


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    # Reserved for refunds through the gateway.
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class Payment(TimeStampedModel):
    """One attempt to pay an order at a gateway; `out_trade_no` is what the gateway knows it by."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="payments", verbose_name=_("order")
    )
    gateway = models.CharField(_("gateway"), max_length=20, default="alipay")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    out_trade_no = models.CharField(_("merchant trade number"), max_length=64, unique=True)
    trade_no = models.CharField(_("Alipay trade number"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # When the buyer was last sent to the gateway's cashier with it: until a while after, the
    # order page says the payment is being confirmed instead of offering to pay again.
    started_at = models.DateTimeField(_("sent to the cashier at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.out_trade_no} ({self.get_status_display()})"


class PaymentEventType(models.TextChoices):
    """What happened to a payment. The admin words each type in the reader's language with the
    values in PaymentEvent.params (payments.events.payment_event_text)."""

    STARTED = "started", _("Started")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")
    NEEDS_REVIEW = "needs_review", _("Held for review")
    REFUNDED = "refunded", _("Refunded")
    # Anything else: a change recorded with a person's note.
    NOTE = "note", _("Note")


class PaymentEvent(Event):
    """One change of a payment: who (None for the gateway), when, from which status to which,
    what happened (`type`) and the values its sentence shows (`params`: gateway, trade_no ...)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="events", verbose_name=_("payment")
    )
    type = models.CharField(
        _("type"), max_length=24, choices=PaymentEventType.choices, default=PaymentEventType.NOTE
    )

    class Meta:
        ordering = ["payment", "created_at", "id"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    statuses = PaymentStatus

    def __str__(self) -> str:
        return f"{self.payment.out_trade_no}: {self.status_change()}"


class NotifyRecord(models.Model):
    """A notification as the gateway sent it (minus its signature) and what we made of it."""

    created_at = models.DateTimeField(_("when"), db_index=True)
    out_trade_no = models.CharField(
        _("merchant trade number"), max_length=64, blank=True, db_index=True
    )
    notify_id = models.CharField(_("notification id"), max_length=128, blank=True)
    trade_status = models.CharField(_("trade status"), max_length=32, blank=True)
    verified = models.BooleanField(_("signature verified"), default=False)
    outcome = models.CharField(_("outcome"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification record")
        verbose_name_plural = _("notification records")

    def __str__(self) -> str:
        return f"{self.out_trade_no or '?'} {self.trade_status or '?'}: {self.outcome}"


# --- Refunds ------------------------------------------------------------------------------------


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Refund(TimeStampedModel):
    """Money sent back for a paid payment. `out_request_no` is made and committed before the
    gateway hears of the refund, so every retry sends the same one and the gateway refunds it
    once. Pending refunds count against what may still be refunded."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    # The merchant whose lines this refund is for (their staff made it); empty for the operator.
    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("merchant"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    out_request_no = models.CharField(_("refund request number"), max_length=64, unique=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RefundStatus.choices,
        default=RefundStatus.PENDING,
        db_index=True,
    )
    restock = models.BooleanField(_("return items to stock"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    # How often the request went out; above zero, the gateway may already have made it.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    gateway_message = models.CharField(_("gateway answer"), max_length=200, blank=True)
    gateway_total_refunded = models.DecimalField(
        _("refunded in total at the gateway"), null=True, blank=True, **MONEY
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.out_request_no} ({self.get_status_display()})"


class RefundEventType(models.TextChoices):
    """What happened to a refund, worded like PaymentEventType (payments.events.refund_event_text).
    Its own trail rather than payment events carrying a refund id: a refund has statuses of its
    own, and its events' from/to are those, while a payment event's are always the payment's."""

    REQUESTED = "requested", _("Requested")
    SUCCEEDED = "succeeded", _("Made")
    FAILED = "failed", _("Refused")
    # The money went back but the order could not be updated; a person looks at it.
    ORDER_NOT_UPDATED = "order_not_updated", _("Order not updated")
    NOTE = "note", _("Note")


class RefundEvent(Event):
    """One change of a refund: who, when, from which status to which, what happened (`type`,
    with `params`) and, in `note`, what a person wrote (the reason given for the refund)."""

    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, related_name="events", verbose_name=_("refund")
    )
    type = models.CharField(
        _("type"), max_length=24, choices=RefundEventType.choices, default=RefundEventType.NOTE
    )

    class Meta:
        ordering = ["refund", "created_at", "id"]
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")

    statuses = RefundStatus

    def __str__(self) -> str:
        return f"{self.refund.out_request_no}: {self.status_change()}"


class RefundLine(models.Model):
    """Units of an order line the refund is for; `restocked` of them went back on sale."""

    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, related_name="lines", verbose_name=_("refund")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="+", verbose_name=_("line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    restocked = models.PositiveIntegerField(_("returned to stock"), default=0)

    class Meta:
        ordering = ["refund", "id"]
        verbose_name = _("refunded line")
        verbose_name_plural = _("refunded lines")

    def __str__(self) -> str:
        return _("%(quantity)s of order line %(line)s") % {
            "quantity": self.quantity,
            "line": self.order_line_id,
        }


# --- Fraud and risk checks ----------------------------------------------------------------------


class RiskRuleCode(models.TextChoices):
    ACCOUNT_VELOCITY = "account_velocity", _("Many orders from one account")
    IP_VELOCITY = "ip_velocity", _("Many orders from one IP address")
    NEW_ACCOUNT_LARGE_AMOUNT = "new_account_large_amount", _("Large amount from a new account")
    FAILED_PAYMENTS = "failed_payments", _("Many failed or abandoned payments")
    FAR_ADDRESS = "far_address", _("Shipping far from the account's usual addresses")
    REGION_MISMATCH = "region_mismatch", _("Shipping outside the account's home province")


class RiskRule(TimeStampedModel):
    """One fraud and risk check, tuned by the operator: when it fires, its score is added to the
    order's. Which limits a rule reads is in its help text (payments/risk.py)."""

    code = models.CharField(_("rule"), max_length=40, choices=RiskRuleCode.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    score = models.PositiveSmallIntegerField(_("score when it fires"), default=30)
    max_count = models.PositiveIntegerField(
        _("most allowed"),
        null=True,
        blank=True,
        help_text=_("Orders (velocity rules) or failed payments allowed before the rule fires."),
    )
    window_hours = models.PositiveIntegerField(
        _("within hours"), null=True, blank=True, help_text=_("How far back to count.")
    )
    account_age_days = models.PositiveIntegerField(
        _("new account: younger than days"), null=True, blank=True
    )
    amount = models.DecimalField(
        _("large amount (yuan)"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    distance_km = models.PositiveIntegerField(_("far: more than km"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self) -> str:
        return self.get_code_display()


class RiskDecision(models.TextChoices):
    AUTO_PASSED = "auto_passed", _("Passed automatically")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RiskAssessment(TimeStampedModel):
    """The risk checks' verdict on one order, made before its first payment."""

    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="risk_assessment",
        verbose_name=_("order"),
    )
    score = models.PositiveIntegerField(_("score"))
    threshold = models.PositiveIntegerField(_("review threshold"))
    # [{"code": ..., "score": ..., "params": {...}}]: shown translated (payments.risk_review).
    reasons = models.JSONField(_("reasons"), default=list)
    decision = models.CharField(
        _("decision"), max_length=16, choices=RiskDecision.choices, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"{self.order} ({self.decision}, {self.score})"
