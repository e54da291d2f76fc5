from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, TimeStampedModel


class Cart(TimeStampedModel):
    """A signed-in shopper's cart, kept in the database so it follows them across devices.
    Anonymous carts live in the session (cart/storage.py) and are merged in at login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart"
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"cart of {self.user}"


class CartLine(TimeStampedModel):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="cart_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The price when the line was added, so a later change can be pointed out to the shopper.
    price_when_added = models.DecimalField(_("price when added"), **MONEY)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_one_line_per_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_qty_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"
