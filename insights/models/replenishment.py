"""Replenishment plans: for one warehouse (and one merchant's variants, or the whole shop's for
the operator), what each variant sells, what it should reorder by the reorder rule and what the
purchasing programme chose under the budget and the warehouse's room. Written by
insights.services.replenishment only; accepting a plan makes its purchase orders through
logistics' services."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, TimeStampedModel

__all__ = ["ReplenishmentLine", "ReplenishmentPlan", "ReplenishmentPlanStatus"]


class ReplenishmentPlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted as purchase orders")


class ReplenishmentPlan(TimeStampedModel):
    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replenishment_plans",
        verbose_name=_("merchant"),
    )
    warehouse = models.ForeignKey(
        "logistics.Warehouse",
        on_delete=models.CASCADE,
        related_name="replenishment_plans",
        verbose_name=_("warehouse"),
    )
    budget = models.DecimalField(_("budget"), **MONEY)
    service_level = models.DecimalField(_("service level"), max_digits=4, decimal_places=3)
    horizon_days = models.PositiveSmallIntegerField(_("horizon (days)"))
    review_days = models.PositiveSmallIntegerField(_("review period (days)"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReplenishmentPlanStatus.choices,
        default=ReplenishmentPlanStatus.PROPOSED,
    )
    # Expected margin of the units ordered, within the horizon: the programme's and the greedy
    # reorder's (by urgency, suggested quantities, while money and room last).
    objective = models.DecimalField(_("expected margin"), **MONEY, default=0)
    greedy_objective = models.DecimalField(_("greedy expected margin"), **MONEY, default=0)
    cost = models.DecimalField(_("purchase cost"), **MONEY, default=0)
    greedy_cost = models.DecimalField(_("greedy purchase cost"), **MONEY, default=0)
    units = models.PositiveIntegerField(_("units ordered"), default=0)
    # Units the warehouse can still take (capacity - on hand - on order); empty: no limit.
    room = models.PositiveIntegerField(_("room left (units)"), null=True, blank=True)
    solver_status = models.CharField(_("solver"), max_length=80, blank=True)
    solve_seconds = models.FloatField(_("solving time (s)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("planned by"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("replenishment plan")
        verbose_name_plural = _("replenishment plans")

    def __str__(self) -> str:
        return f"{self.warehouse.code} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("admin:insights_replenishmentplan_change", args=[self.pk])

    @property
    def uplift(self):
        """How much more the programme expects to earn than the greedy reorder."""
        return self.objective - self.greedy_objective


class ReplenishmentLine(models.Model):
    plan = models.ForeignKey(
        ReplenishmentPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("variant"),
    )
    merchant = models.ForeignKey(
        "accounts.Merchant",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("merchant"),
    )
    sku = models.CharField(_("SKU"), max_length=64)
    available = models.IntegerField(_("available"))
    on_order = models.PositiveIntegerField(_("on order"))
    velocity = models.FloatField(_("units per day"))
    trend = models.FloatField(_("trend (units/day per week)"))
    forecast = models.FloatField(_("forecast over horizon"))
    safety_stock = models.FloatField(_("safety stock"))
    reorder_point = models.FloatField(_("reorder point"))
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    suggested = models.PositiveIntegerField(_("suggested"))
    chosen = models.PositiveIntegerField(_("to order"))
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    # No supply terms: the cost is an estimate (a share of the price).
    cost_estimated = models.BooleanField(_("cost estimated"), default=False)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    expected_margin = models.DecimalField(_("expected margin"), **MONEY)

    class Meta:
        ordering = ["plan", "-chosen", "-suggested", "sku"]
        verbose_name = _("replenishment line")
        verbose_name_plural = _("replenishment lines")

    def __str__(self) -> str:
        return f"{self.sku}: {self.chosen}"

    @property
    def line_cost(self):
        return self.unit_cost * self.chosen
