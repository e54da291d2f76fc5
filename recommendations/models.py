from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InteractionKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    CART = "cart", _("Added to cart")
    PURCHASE = "purchase", _("Purchased")
    REVIEW = "review", _("Reviewed")
    SEARCH_CLICK = "search_click", _("Clicked in search results")


class Interaction(models.Model):
    """One implicit-feedback signal: a shopper (or an anonymous session) did something with a
    product. The recommender learns from these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    session_key = models.CharField(max_length=40, blank=True)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(max_length=16, choices=InteractionKind.choices)
    # Rating for reviews, quantity for purchases; 1 otherwise.
    value = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="interaction_user_recent"),
            models.Index(fields=["product", "kind"], name="interaction_product_kind"),
            models.Index(fields=["created_at"], name="interaction_created"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.session_key} {self.kind} {self.product_id}"
