from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from . import receivers
        from .models import Stock

        uid = "logistics.stock_row_changed"
        post_save.connect(receivers.stock_row_changed, sender=Stock, dispatch_uid=uid)
        post_delete.connect(receivers.stock_row_changed, sender=Stock, dispatch_uid=uid)
