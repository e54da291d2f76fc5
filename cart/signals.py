"""At login, the anonymous session cart joins the shopper's saved cart."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import cart_merge_session_into_user


@receiver(user_logged_in)
def merge_anonymous_cart(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    for note in cart_merge_session_into_user(user=user, session=request.session):
        messages.warning(request, note)
