"""The shopping funnel's raw material: what shoppers did, one row per event (a product looked
at, put in the cart, an order placed, an order paid), written by insights.services.funnel on the
signals of the apps below (insights.receivers; product views through a Redis buffer in services
mode), and by the demo generator in bulk."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import OrderChannel

__all__ = ["EventKind", "ShopperEvent"]


class EventKind(models.TextChoices):
    VIEW = "view", _("Viewed a product")
    CART = "cart", _("Added to cart")
    CHECKOUT = "checkout", _("Placed an order")
    PAID = "paid", _("Paid")


class ShopperEvent(models.Model):
    """A log of what happened: the customer, product and order are kept as ids (no database
    constraint, nothing done when they are deleted), so writing an event never waits on those
    tables and deleting a product never rewrites a million events."""

    # Who: "u<user id>" for a signed-in shopper, "s<session key>" for a visitor.
    visitor = models.CharField(_("visitor"), max_length=48)
    # When the visitor's session began: a session ends after 30 minutes without an event
    # (insights.funnel.markov.SESSION_GAP); (visitor, session_start) names one session.
    session_start = models.DateTimeField(_("session start"))
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("customer"),
        db_constraint=False,
        db_index=False,
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("product"),
        db_constraint=False,
        db_index=False,
    )
    # The merchant of the product (view, cart) or of the order's lines (checkout, paid: one row
    # per merchant of the order).
    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("merchant"),
        db_index=False,  # the (merchant, session_start) index serves
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("order"),
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=OrderChannel.choices, default=OrderChannel.WEB
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shopper event")
        verbose_name_plural = _("shopper events")
        indexes = [
            models.Index(fields=["visitor", "created_at"], name="insights_event_visitor"),
            models.Index(fields=["session_start"], name="insights_event_session"),
            models.Index(fields=["merchant", "session_start"], name="insights_event_merchant"),
            models.Index(fields=["order", "kind"], name="insights_event_order"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
