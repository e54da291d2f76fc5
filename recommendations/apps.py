import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# implicit runs its own threads: a threaded BLAS underneath only contends with them (implicit
# warns about it). Set before numpy is first imported, in the web server, worker and commands.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        """Connect the receivers (receivers.py) to what they record, once; have the keys
        every page's slots read first read with the catalog version (one round trip)."""
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished
        from django.db.models.signals import post_save

        from cart.signals import item_added
        from catalog.models import Review
        from catalog.signals import product_viewed
        from common.read_ahead import read_first
        from orders.signals import order_paid

        from . import receivers
        from .models import SETTINGS_CACHE_KEY, Interaction, RecommenderSettings
        from .selectors.slots import keys_ahead
        from .services.buffer import interactions_send, interactions_take_pending
        from .store import (
            BEST_SELLERS_KEY,
            LIVE_CACHE_KEY,
            send_after_response,
            send_after_response_with,
        )

        read_first(LIVE_CACHE_KEY, SETTINGS_CACHE_KEY, BEST_SELLERS_KEY, for_request=keys_ahead)

        uid = "recommendations."
        # What apps hold until the response has gone, in one round trip (the funnel's too).
        send_after_response_with(take=interactions_take_pending, send=interactions_send)
        request_finished.connect(send_after_response, dispatch_uid=uid + "after_response")
        product_viewed.connect(receivers.record_product_view, dispatch_uid=uid + "view")
        user_logged_in.connect(receivers.attach_session_history, dispatch_uid=uid + "login")
        item_added.connect(receivers.record_cart_addition, dispatch_uid=uid + "cart")
        order_paid.connect(receivers.record_purchase, dispatch_uid=uid + "purchase")
        post_save.connect(receivers.record_review, sender=Review, dispatch_uid=uid + "review")
        post_save.connect(
            receivers.settings_changed, sender=RecommenderSettings, dispatch_uid=uid + "settings"
        )
        post_save.connect(
            receivers.interaction_saved, sender=Interaction, dispatch_uid=uid + "interaction"
        )
