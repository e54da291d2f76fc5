"""Customers' RFM profiles and lifetime value, and the segment table of every computation, per
merchant (a merchant's own order lines) or for the whole shop (merchant empty). Written only by
`insights.segments.services`."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import MONEY

from ..segments import rfm

__all__ = ["CustomerProfile", "PriceBand", "Segment", "SegmentRun", "SegmentSnapshot"]

BIG_MONEY = {"max_digits": 16, "decimal_places": 2}


class Segment(models.TextChoices):
    CHAMPIONS = rfm.CHAMPIONS, _("Champions")
    LOYAL = rfm.LOYAL, _("Loyal")
    POTENTIAL_LOYALISTS = rfm.POTENTIAL_LOYALISTS, _("Potential loyalists")
    NEW = rfm.NEW, _("New customers")
    PROMISING = rfm.PROMISING, _("Promising")
    NEED_ATTENTION = rfm.NEED_ATTENTION, _("Need attention")
    ABOUT_TO_SLEEP = rfm.ABOUT_TO_SLEEP, _("About to sleep")
    AT_RISK = rfm.AT_RISK, _("At risk")
    CANT_LOSE = rfm.CANT_LOSE, _("Can't lose them")
    HIBERNATING = rfm.HIBERNATING, _("Hibernating")
    LOST = rfm.LOST, _("Lost")


class PriceBand(models.TextChoices):
    """Where the customer's average unit price falls among the prices of the lines sold (in the
    same scope): the lower third, the middle third or the upper third."""

    BUDGET = "budget", _("Budget")
    MIDDLE = "middle", _("Mid-range")
    PREMIUM = "premium", _("Premium")


class SegmentRun(models.Model):
    """One computation of the segments for one scope, with the lifetime model's check."""

    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("merchant"),
    )
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    revenue = models.DecimalField(_("revenue"), default=0, **BIG_MONEY)
    # The lifetime model's holdout check: mae, baseline_mae, customers, days, ...
    holdout = models.JSONField(_("holdout check"), default=dict, blank=True)
    # Why there is no lifetime model (`insights.segments.lifetime.LifetimeModelError`): its code
    # and parameters, worded by the admin in the reader's language.
    lifetime_error = models.JSONField(_("lifetime model error"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("segment computation")
        verbose_name_plural = _("segment computations")

    def __str__(self) -> str:
        scope = self.merchant.name if self.merchant_id else _("whole shop")
        return f"{scope} {self.computed_at:%Y-%m-%d %H:%M}"


class SegmentSnapshot(models.Model):
    """A segment's size and revenue at one computation; the trend compares two runs."""

    run = models.ForeignKey(
        SegmentRun, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("run")
    )
    segment = models.CharField(_("segment"), max_length=24, choices=Segment.choices)
    size = models.PositiveIntegerField(_("customers"))
    revenue = models.DecimalField(_("revenue"), **BIG_MONEY)
    avg_recency = models.FloatField(_("average recency (days)"))
    avg_frequency = models.FloatField(_("average purchases"))
    avg_monetary = models.DecimalField(_("average spent"), **MONEY)

    class Meta:
        ordering = ["-run__computed_at", "run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "segment"], name="insights_snapshot_once")
        ]
        verbose_name = _("segment snapshot")
        verbose_name_plural = _("segment snapshots")

    def __str__(self) -> str:
        return f"{self.get_segment_display()} ({self.size})"


class CustomerProfile(models.Model):
    """A customer's purchases with one merchant (or the whole shop), scored and segmented."""

    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("merchant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="customer_profiles",
        verbose_name=_("customer"),
    )
    recency_days = models.PositiveIntegerField(_("days since last purchase"))
    frequency = models.PositiveIntegerField(_("purchases"))
    monetary = models.DecimalField(_("spent"), **MONEY)
    first_purchase = models.DateField(_("first purchase"))
    last_purchase = models.DateField(_("last purchase"))
    r_score = models.PositiveSmallIntegerField(_("R"))
    f_score = models.PositiveSmallIntegerField(_("F"))
    m_score = models.PositiveSmallIntegerField(_("M"))
    segment = models.CharField(_("segment"), max_length=24, choices=Segment.choices, db_index=True)
    # The customer's top categories by spend: [{"id": 3, "name": "Tea", "revenue": "120.00"}].
    top_categories = models.JSONField(_("top categories"), default=list, blank=True)
    price_band = models.CharField(_("price band"), max_length=10, choices=PriceBand.choices)
    # The lifetime model's predictions (empty when it could not be fitted).
    predicted_purchases_90d = models.FloatField(
        _("predicted purchases (90 days)"), null=True, blank=True
    )
    predicted_value_90d = models.DecimalField(
        _("predicted value (90 days)"), null=True, blank=True, **MONEY
    )
    probability_alive = models.FloatField(_("probability still a customer"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-monetary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "user"],
                condition=models.Q(merchant__isnull=False),
                name="insights_profile_per_merchant",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(merchant__isnull=True),
                name="insights_profile_shop_wide",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "segment"])]
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_segment_display()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:insights_customerprofile_change", args=[self.pk])
