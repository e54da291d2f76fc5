"""The cart as the shopper sees it: current prices, stock, and what needs their attention."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from catalog.models import ProductImage, ProductVariant
from logistics.selectors import variant_availability

from .storage import storage_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.base import SessionBase

    from accounts.models import User

    Shopper = User | AnonymousUser | None


@dataclass
class CartLineView:
    variant: ProductVariant
    quantity: int
    price_when_added: Decimal
    available: int
    image_url: str

    @property
    def product(self):
        return self.variant.product

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price

    @property
    def line_total(self) -> Decimal:
        return self.variant.price * self.quantity

    @property
    def unavailable(self) -> bool:
        return not (self.variant.is_active and self.variant.product.is_active)

    @property
    def price_changed(self) -> bool:
        return self.variant.price != self.price_when_added

    @property
    def short_of_stock(self) -> bool:
        return not self.unavailable and self.quantity > self.available


@dataclass
class CartView:
    lines: list[CartLineView]

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def buyable_lines(self) -> list[CartLineView]:
        return [line for line in self.lines if not line.unavailable]

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.buyable_lines), Decimal("0.00"))

    @property
    def blocking_problems(self) -> bool:
        """Lines the shopper must fix before checking out."""
        return any(line.unavailable or line.short_of_stock for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines


def cart_view(*, user: Shopper, session: SessionBase) -> CartView:
    """Three queries whatever the cart's size: lines (database carts), variants with product and
    picture (the variant's own first, else the product's first), and stock."""
    stored = storage_for(user, session).lines()
    if not stored:
        return CartView(lines=[])
    card = Coalesce(NullIf(F("card"), Value("")), F("image"), output_field=CharField())
    pictures = ProductImage.objects.order_by("position", "id").values(name=card)
    own_image = pictures.filter(variant=OuterRef("pk"))[:1]
    first_image = pictures.filter(product=OuterRef("product_id"))[:1]
    variants = {
        v.pk: v
        for v in ProductVariant.objects.filter(pk__in=stored)
        .select_related("product")
        .annotate(image_name=Coalesce(Subquery(own_image), Subquery(first_image)))
    }
    available = variant_availability(list(variants))
    lines = [
        CartLineView(
            variant=variants[variant_id],
            quantity=quantity,
            price_when_added=price,
            available=available.get(variant_id, 0),
            image_url=default_storage.url(variants[variant_id].image_name)
            if variants[variant_id].image_name
            else "",
        )
        for variant_id, (quantity, price) in stored.items()
        if variant_id in variants  # a variant deleted outright simply leaves the cart
    ]
    return CartView(lines=lines)


def cart_count(*, user: Shopper, session: SessionBase) -> int:
    return storage_for(user, session).count()
