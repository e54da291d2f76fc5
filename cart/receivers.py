"""At login, the anonymous session cart joins the shopper's saved cart; a variant deleted leaves
the saved carts that held it. Connected in apps.py."""

from django.contrib import messages

from .services import cart_counts_changed, cart_merge_session_into_user


def merge_anonymous_cart(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    for note in cart_merge_session_into_user(user=user, session=request.session):
        messages.warning(request, note)


def variant_deleting(sender, instance, **kwargs) -> None:
    """pre_delete of catalog.ProductVariant (one at a time, or cascaded from its product)."""
    cart_counts_changed(variants=[instance.pk])
