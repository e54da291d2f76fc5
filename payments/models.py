"""Payments at a gateway (Alipay), their audit trail, and every notification the gateway sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.models import MONEY, TimeStampedModel


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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.out_trade_no} ({self.status})"


class PaymentEvent(models.Model):
    """One change of a payment: who (None for the gateway), when, from which status to which."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["payment", "created_at", "id"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.payment.out_trade_no}: {self.from_status or '-'} → {self.to_status}"


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
