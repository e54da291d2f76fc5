from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished

        from cart.signals import item_added
        from catalog.signals import product_viewed
        from orders.signals import order_paid, order_placed

        from . import receivers

        uid = "insights.funnel."
        product_viewed.connect(receivers.record_view, dispatch_uid=uid + "view")
        request_finished.connect(receivers.flush_views, dispatch_uid=uid + "flush_views")
        item_added.connect(receivers.record_cart, dispatch_uid=uid + "cart")
        order_placed.connect(receivers.record_checkout, dispatch_uid=uid + "checkout")
        order_paid.connect(receivers.record_paid, dispatch_uid=uid + "paid")
        user_logged_in.connect(receivers.attach_session_events, dispatch_uid=uid + "login")
