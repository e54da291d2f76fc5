"""What payments does when something happens elsewhere (connected in apps.py)."""

from django.db import transaction

from . import refunds, selectors


def close_trades_of_cancelled_order(sender, order_id: int, **kwargs) -> None:
    """orders.signals.order_cancelled (sent after commit): close the order's open Alipay trade."""
    from .tasks import close_trade

    for payment_id in selectors.pending_payment_ids(order_id=order_id):
        close_trade.delay(payment_id)


def refund_cancelled_paid_lines(
    sender, order_id: int, line_ids: list[int], actor_id: int | None, reason: str = "", **kwargs
) -> None:
    """orders.signals.order_lines_cancelled (sent after commit): a merchant withdrew its lines
    from a shared paid order; their value goes back. Recorded now; the worker sends it."""
    from django.contrib.auth import get_user_model

    from .tasks import submit_refund

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    refund = refunds.refund_cancelled_lines(
        order_id=order_id, line_ids=line_ids, actor=actor, reason=reason
    )
    if refund is not None:
        refund_id = refund.pk
        transaction.on_commit(lambda: submit_refund.delay(refund_id), robust=True)


def refund_cancelled_paid_order(sender, order_id: int, **kwargs) -> None:
    """orders.signals.order_cancelled (sent after commit): the money of an order cancelled after
    it was paid goes back in full. Recorded now; the worker sends it. The periodic
    reconciliation (refunds.refunds_reconcile) records and sends whatever this did not."""
    from .tasks import submit_refund

    refund = refunds.refund_cancelled_order(order_id=order_id)
    if refund is not None:
        refund_id = refund.pk
        transaction.on_commit(lambda: submit_refund.delay(refund_id), robust=True)
