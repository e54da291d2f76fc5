"""Where interactions come from: apps that must not know the recommender send signals (or save
rows) and these receivers record them. Each writes after the change that caused it commits."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from cart.services import item_added
from catalog.models import Review
from orders.models import OrderEvent, OrderLine, OrderStatus

from . import services
from .history import history_forget
from .models import Interaction, InteractionKind, RecommenderSettings


@receiver(request_finished)
def flush_pending_interactions(sender, **kwargs) -> None:
    """Page views noted during the request, in one insert once the response has been sent."""
    services.interactions_flush_pending()


@receiver(user_logged_in)
def attach_session_history(sender, request, user, **kwargs) -> None:
    """The session key has already been cycled by login(): the one the browser sent with this
    request is the anonymous history's."""
    if request is None:
        return
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    services.interactions_attach_session(user=user, session_key=key)


@receiver(item_added)
def record_cart_addition(sender, user, session, product_id: int, **kwargs) -> None:
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session.session_key:
        # A visitor's first cart addition is what starts their session: save it now (the
        # middleware would at the end of the request) so the addition has a key to go with.
        session.save()
    services.interaction_record(
        user=user if signed_in else None,
        session_key=session.session_key or "",
        product_ids=[product_id],
        kind=InteractionKind.CART,
    )


@receiver(post_save, sender=OrderEvent)
def record_purchase(sender, instance: OrderEvent, created: bool, **kwargs) -> None:
    """A signed-in shopper's order is paid: each of its products was bought."""
    if not created or instance.to_status != OrderStatus.PAID:
        return
    order = instance.order
    if order.user_id is None:
        return
    for product_id, quantity in OrderLine.objects.filter(order=order).values_list(
        "product_id", "quantity"
    ):
        services.interaction_record(
            user=order.user,
            product_ids=[product_id],
            kind=InteractionKind.PURCHASE,
            value=quantity,
        )


@receiver(post_save, sender=Review)
def record_review(sender, instance: Review, created: bool, **kwargs) -> None:
    if created:
        services.interaction_record(
            user=instance.user,
            product_ids=[instance.product_id],
            kind=InteractionKind.REVIEW,
            value=instance.rating,
        )


@receiver(post_save, sender=RecommenderSettings)
def settings_changed(sender, **kwargs) -> None:
    services.recommender_settings_changed()


@receiver(post_save, sender=Interaction)
def interaction_saved(sender, instance: Interaction, **kwargs) -> None:
    """A row written one at a time (an import, the admin): the cached history is rebuilt."""
    actor = (instance.user_id, instance.session_key)
    transaction.on_commit(lambda: history_forget([actor]))
