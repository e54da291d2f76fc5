"""What payments does when something happens elsewhere (connected in apps.py)."""

from . import services


def close_trades_of_cancelled_order(sender, order_id: int, **kwargs) -> None:
    """orders.signals.order_cancelled (sent after commit): close the order's open Alipay trade."""
    from .tasks import close_trade

    for payment_id in services.pending_payment_ids(order_id=order_id):
        close_trade.delay(payment_id)
