from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cart.signals import item_added
        from catalog.signals import product_viewed
        from orders.signals import order_paid, order_placed
        from recommendations.store import send_after_response_with

        from . import receivers
        from .services.funnel import shopper_views_send, shopper_views_take_pending

        uid = "insights.funnel."
        product_viewed.connect(receivers.record_view, dispatch_uid=uid + "view")
        # With the recommender's, in one round trip to Redis once the response has gone.
        send_after_response_with(take=shopper_views_take_pending, send=shopper_views_send)
        item_added.connect(receivers.record_cart, dispatch_uid=uid + "cart")
        order_placed.connect(receivers.record_checkout, dispatch_uid=uid + "checkout")
        order_paid.connect(receivers.record_paid, dispatch_uid=uid + "paid")
        user_logged_in.connect(receivers.attach_session_events, dispatch_uid=uid + "login")
