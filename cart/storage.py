"""Where a cart's lines are kept: the session for anonymous shoppers, the database for signed-in
ones. Both offer the same small interface; cart/services.py decides what goes in."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Sum

from common import cache_generations
from common.statements import Statement

from .models import Cart, CartLine

SESSION_KEY = "cart"


class SessionStorage:
    """{"<variant id>": {"q": quantity, "p": "price when added"}} in the session."""

    def __init__(self, session: SessionBase):
        self.session = session

    def _data(self) -> dict:
        return self.session.get(SESSION_KEY, {})

    def lines(self) -> dict[int, tuple[int, Decimal]]:
        return {int(k): (v["q"], Decimal(v["p"])) for k, v in self._data().items()}

    def put(self, variant_id: int, quantity: int, price: Decimal) -> None:
        data = self._data()
        data[str(variant_id)] = {"q": quantity, "p": str(price)}
        self.session[SESSION_KEY] = data

    def remove(self, variant_id: int) -> None:
        data = self._data()
        if data.pop(str(variant_id), None) is not None:
            self.session[SESSION_KEY] = data

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)

    def count(self) -> int:
        return sum(v["q"] for v in self._data().values())


# The header's count on every page of a signed-in shopper: compiled once, prepared on
# PostgreSQL (common.statements).
_COUNT = Statement(
    lambda slots: (
        CartLine.objects.filter(cart__user_id=slots.int("user"))
        .order_by()
        .values("cart__user_id")
        .annotate(n=Sum("quantity"))
        .values_list("n")
    ),
    prepared=True,
)


def count_key(user_id: int) -> str:
    return f"cart:count:{user_id}"


def count_changed(user_id: int) -> None:
    """The lines of this user's saved cart change in the current transaction."""
    cache_generations.changed(count_key(user_id))


class DatabaseStorage:
    """The saved cart's lines; every write announces the change of the count it makes."""

    def __init__(self, user):
        self.user = user

    def _cart(self) -> Cart:
        cart, _ = Cart.objects.get_or_create(user=self.user)
        return cart

    def lines(self) -> dict[int, tuple[int, Decimal]]:
        rows = CartLine.objects.filter(cart__user=self.user).values_list(
            "variant_id", "quantity", "price_when_added"
        )
        return {variant_id: (q, price) for variant_id, q, price in rows}

    def put(self, variant_id: int, quantity: int, price: Decimal) -> None:
        CartLine.objects.update_or_create(
            cart=self._cart(),
            variant_id=variant_id,
            defaults={"quantity": quantity},
            create_defaults={"quantity": quantity, "price_when_added": price},
        )
        count_changed(self.user.pk)

    def remove(self, variant_id: int) -> None:
        CartLine.objects.filter(cart__user=self.user, variant_id=variant_id).delete()
        count_changed(self.user.pk)

    def clear(self) -> None:
        CartLine.objects.filter(cart__user=self.user).delete()
        count_changed(self.user.pk)

    def count(self) -> int:
        """The header's count on every page: kept in the cache between changes to the lines
        (common.cache_generations), for SIGNED_IN_CACHE_SECONDS."""
        return cache_generations.cached(
            count_key(self.user.pk),
            self._count_rows,
            timeout=settings.SIGNED_IN_CACHE_SECONDS,
        )

    def _count_rows(self) -> int:
        rows = _COUNT.run(user=self.user.pk)
        return (rows[0][0] or 0) if rows else 0


def storage_for(user, session: SessionBase) -> SessionStorage | DatabaseStorage:
    if user is not None and user.is_authenticated:
        return DatabaseStorage(user)
    return SessionStorage(session)
