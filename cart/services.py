"""Cart changes. Every change is checked against the catalog and the stock available now; a
change that cannot be made raises CartError with a message for the shopper and changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import ProductVariant
from logistics.selectors import variant_availability

from .errors import CartError
from .models import Cart
from .signals import item_added
from .storage import SessionStorage, count_changed, storage_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User

    Shopper = User | AnonymousUser | None


def _buyable_variant(variant_id: int) -> ProductVariant:
    variant = (
        ProductVariant.objects.select_related("product")
        .filter(pk=variant_id, is_active=True, product__is_active=True)
        .first()
    )
    if variant is None:
        raise CartError(_("Sorry, this product is no longer available."))
    return variant


def _check_quantity(quantity: int) -> None:
    limit = settings.CART_MAX_LINE_QUANTITY
    if quantity < 1:
        raise CartError(_("Choose a quantity of at least 1."))
    if quantity > limit:
        raise CartError(
            ngettext(
                "You can buy at most %(limit)d of one item per order.",
                "You can buy at most %(limit)d of one item per order.",
                limit,
            )
            % {"limit": limit}
        )


def _check_stock(variant: ProductVariant, quantity: int) -> None:
    available = variant_availability([variant.pk]).get(variant.pk, 0)
    if available <= 0:
        raise CartError(_("Sorry, this item is out of stock."))
    if quantity > available:
        raise CartError(
            ngettext(
                "Only %(count)d of this item is left.",
                "Only %(count)d of this item are left.",
                available,
            )
            % {"count": available}
        )


def cart_add(
    *, user: Shopper, session: SessionBase, variant_id: int, quantity: int, channel: str = "web"
) -> int:
    """Add `quantity` of a variant (to what the cart already holds). Returns the new line
    quantity. `channel`: where the shopper is (the pages: web; an API client says its own)."""
    variant = _buyable_variant(variant_id)
    storage = storage_for(user, session)
    current, price = storage.lines().get(variant.pk, (0, variant.price))
    _check_quantity(quantity)
    total = current + quantity
    _check_quantity(total)
    _check_stock(variant, total)
    storage.put(variant.pk, total, price if current else variant.price)
    item_added.send(
        sender=ProductVariant,
        user=user,
        session=session,
        product_id=variant.product_id,
        variant_id=variant.pk,
        quantity=quantity,
        channel=channel,
    )
    return total


def cart_set_quantity(
    *, user: Shopper, session: SessionBase, variant_id: int, quantity: int
) -> int:
    """Set a line's quantity; 0 removes the line."""
    storage = storage_for(user, session)
    lines = storage.lines()
    if variant_id not in lines:
        raise CartError(_("That item is not in your cart."))
    if quantity == 0:
        storage.remove(variant_id)
        return 0
    _check_quantity(quantity)
    variant = _buyable_variant(variant_id)
    _check_stock(variant, quantity)
    storage.put(variant_id, quantity, lines[variant_id][1])
    return quantity


def cart_remove(*, user: Shopper, session: SessionBase, variant_id: int) -> None:
    storage = storage_for(user, session)
    if variant_id not in storage.lines():
        raise CartError(_("That item is not in your cart."))
    storage.remove(variant_id)


def cart_clear(*, user: Shopper, session: SessionBase) -> None:
    storage_for(user, session).clear()


@transaction.atomic
def cart_merge_session_into_user(*, user: Shopper, session: SessionBase) -> list[str]:
    """At login: add the anonymous session cart to the user's saved cart, quantities summed and
    capped by the stock available and the per-line limit. Returns notes for lines that were
    capped or dropped."""
    anonymous = SessionStorage(session)
    incoming = anonymous.lines()
    if not incoming:
        return []
    saved = storage_for(user, session)
    existing = saved.lines()
    variants = {
        v.pk: v
        for v in ProductVariant.objects.select_related("product").filter(
            pk__in=incoming, is_active=True, product__is_active=True
        )
    }
    available = variant_availability(list(variants))
    notes = []
    for variant_id, (quantity, price) in incoming.items():
        variant = variants.get(variant_id)
        if variant is None:
            continue
        have, saved_price = existing.get(variant_id, (0, price))
        cap = min(available.get(variant_id, 0), settings.CART_MAX_LINE_QUANTITY)
        total = min(have + quantity, cap)
        if total < have + quantity:
            notes.append(
                _("%(name)s: quantity lowered to %(count)d, what is in stock.")
                % {"name": variant.product.name, "count": total}
            )
        if total > 0:
            saved.put(variant_id, total, saved_price if have else price)
    anonymous.clear()
    return notes


def cart_counts_changed(*, variants: QuerySet[ProductVariant] | Iterable[int]) -> None:
    """These variants are being deleted in the current transaction, and the saved cart lines
    that hold them with them (on_delete CASCADE): the counts of the carts that hold them change.
    Called before the delete, while the lines are still there to be found."""
    users = (
        Cart.objects.filter(lines__variant__in=variants)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in users:
        count_changed(user_id)
