"""Where interactions come from: apps that must not know the recommender send signals (or save
rows) and these receivers record them. Each writes after the change that caused it commits.
They are connected in RecommendationsConfig.ready."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from orders.models import Order, OrderLine

from .history import history_forget
from .models import Interaction, InteractionKind
from .services.recording import (
    interaction_record,
    interaction_record_view,
    interactions_attach_session,
)
from .services.serving import recommender_settings_changed


def record_product_view(
    sender,
    product_id: int,
    user_id: int | None,
    session_key: str,
    from_search: bool = False,
    **kwargs,
) -> None:
    """A shopper looked at a product page (catalog.signals.product_viewed)."""
    interaction_record_view(
        user_id=user_id, session_key=session_key, product_id=product_id, from_search=from_search
    )


def attach_session_history(sender, request, user, **kwargs) -> None:
    """The session key has already been cycled by login(): the one the browser sent with this
    request is the anonymous history's."""
    if request is None:
        return
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    interactions_attach_session(user=user, session_key=key)


def record_cart_addition(sender, user, session, product_id: int, **kwargs) -> None:
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session.session_key:
        # A visitor's first cart addition is what starts their session: save it now (the
        # middleware would at the end of the request) so the addition has a key to go with.
        session.save()
    interaction_record(
        user=user if signed_in else None,
        session_key=session.session_key or "",
        product_ids=[product_id],
        kind=InteractionKind.CART,
    )


def record_purchase(sender, order_id: int, **kwargs) -> None:
    """A signed-in shopper's order is paid (orders.signals.order_paid, sent after commit): each
    of its products was bought."""
    order = Order.objects.filter(pk=order_id, user__isnull=False).select_related("user").first()
    if order is None:
        return
    for product_id, quantity in OrderLine.objects.filter(order=order).values_list(
        "product_id", "quantity"
    ):
        interaction_record(
            user=order.user,
            product_ids=[product_id],
            kind=InteractionKind.PURCHASE,
            value=quantity,
        )


def record_review(sender, instance, created: bool, **kwargs) -> None:
    if created:
        interaction_record(
            user=instance.user,
            product_ids=[instance.product_id],
            kind=InteractionKind.REVIEW,
            value=instance.rating,
        )


def settings_changed(sender, **kwargs) -> None:
    recommender_settings_changed()


def interaction_saved(sender, instance: Interaction, **kwargs) -> None:
    """A row written one at a time (an import, the admin): the cached history is rebuilt."""
    actor = (instance.user_id, instance.session_key)
    transaction.on_commit(lambda: history_forget([actor]))
