from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # A signal, not an import in orders: orders must not know payments (payments imports
        # orders.services to mark orders paid).
        from orders.selectors import GATEWAY_NAMES
        from orders.signals import order_cancelled, order_lines_cancelled

        from .receivers import (
            close_trades_of_cancelled_order,
            refund_cancelled_paid_lines,
            refund_cancelled_paid_order,
        )

        # How the order pages name the gateway a payment went through.
        GATEWAY_NAMES["alipay"] = _("Alipay")
        order_cancelled.connect(
            close_trades_of_cancelled_order, dispatch_uid="payments.close_trades_of_cancelled"
        )
        order_cancelled.connect(
            refund_cancelled_paid_order, dispatch_uid="payments.refund_cancelled_paid_order"
        )
        order_lines_cancelled.connect(
            refund_cancelled_paid_lines, dispatch_uid="payments.refund_cancelled_paid_lines"
        )
