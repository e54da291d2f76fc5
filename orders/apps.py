from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from logistics.signals import shipment_status_changed

        from . import receivers

        shipment_status_changed.connect(
            receivers.shipment_status_changed, dispatch_uid="orders.shipment_status_changed"
        )
