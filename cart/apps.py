from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = _("Cart")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_delete

        from accounts.backends import read_with_the_user
        from catalog.models import ProductVariant

        from . import receivers
        from .storage import count_key

        user_logged_in.connect(receivers.merge_anonymous_cart, dispatch_uid="cart.merge_cart")
        # Every page of a signed-in shopper shows the saved cart's count: read with the user.
        read_with_the_user(count_key)
        pre_delete.connect(
            receivers.variant_deleting, sender=ProductVariant, dispatch_uid="cart.variant_deleting"
        )
