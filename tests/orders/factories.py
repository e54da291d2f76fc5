"""Givens for order tests: products in stock, delivery options, carts, and orders placed through
the real services (cart_add, order_place), so an order here is exactly what a shopper gets."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.sessions.backends.db import SessionStore

from cart.services import cart_add
from catalog.models import ProductVariant
from logistics.models import ShippingMethod, ShippingRate, Stock
from orders import services
from orders.models import Order
from tests.accounts.factories import VALID_ADDRESS
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

ADDRESS = services.ShippingAddress(**VALID_ADDRESS)


def shipping_method(
    *, code: str = "test-standard", price: str = "12.00", free_above: str | None = "199.00"
) -> ShippingMethod:
    """Our own delivery option, one flat shop-wide rate for every address and weight (free from
    `free_above`): the ones the data migrations create are gone after any transactional test
    has flushed the database."""
    method, created = ShippingMethod.objects.get_or_create(
        code=code, defaults={"name": f"Test {code}", "description": f"How {code} travels."}
    )
    if created:
        ShippingRate.objects.create(
            method=method,
            max_weight_grams=1000,
            price=Decimal(price),
            free_above=Decimal(free_above) if free_above is not None else None,
        )
    return method


def variant_in_stock(
    *, price: str = "50.00", quantity: int = 10, name: str | None = None
) -> ProductVariant:
    extra = {"product__name_en": name} if name else {}
    variant = VariantFactory(price=Decimal(price), product__price=Decimal(price), **extra)
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="main"), quantity=quantity)
    return variant


def fill_cart(*items: tuple[ProductVariant, int], user=None, session=None):
    """Put the items in a cart (the user's saved cart, or the given or a new session's) and
    return the session."""
    session = session if session is not None else SessionStore()
    for variant, quantity in items:
        cart_add(user=user, session=session, variant_id=variant.pk, quantity=quantity)
    return session


def place_order(
    *items: tuple[ProductVariant, int],
    user=None,
    method: ShippingMethod | None = None,
    email: str = "buyer@example.com",
    language: str = "en",
) -> Order:
    """An order awaiting payment, placed from a freshly filled cart."""
    session = fill_cart(*items, user=user)
    return services.order_place(
        user=user,
        session=session,
        email=user.email if user else email,
        address=ADDRESS,
        shipping_method_id=(method or shipping_method()).pk,
        checkout_key=uuid.uuid4().hex,
        language=language,
    )


def allocated(variant: ProductVariant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("allocated", flat=True))


def carrier(*, code: str = "sf", name: str = "SF Express", **flags):
    """A carrier to hand shipments to (flags: is_local, is_simulated, is_active)."""
    from logistics.models import Carrier

    found, _ = Carrier.objects.get_or_create(
        code=code,
        defaults={"name": name, "tracking_url": "https://track.example/{number}", **flags},
    )
    return found


def variant_in_warehouses(*, merchant=None, sku: str | None = None, **quantities: int):
    """A variant with stock in the warehouses named by code: variant_in_warehouses(north=3)."""
    extra = {"product__merchant": merchant} if merchant is not None else {}
    if sku:
        extra["sku"] = sku
    variant = VariantFactory(price=Decimal("20.00"), product__price=Decimal("20.00"), **extra)
    for code, quantity in quantities.items():
        StockFactory(variant=variant, warehouse=WarehouseFactory(code=code), quantity=quantity)
    return variant


def paid_order(*items: tuple[ProductVariant, int], user=None, language: str = "en") -> Order:
    order = place_order(*items, user=user, language=language)
    return services.order_mark_paid(order=order, actor=None)
