"""Celery tasks of payments: thin wrappers around services."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import refunds, services
from .gateways.base import GatewayError

logger = logging.getLogger(__name__)


@shared_task(
    name="payments.close_trade",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(GatewayError,),
    retry_backoff=True,
    max_retries=5,
)
def close_trade(payment_id: int) -> None:
    """Close the Alipay trade of a cancelled order's pending payment (idempotent)."""
    outcome = services.payment_close(payment_id=payment_id)
    logger.info("payment %s: close trade: %s", payment_id, outcome)


@shared_task(
    name="payments.submit_refund",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(GatewayError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
)
def submit_refund(refund_id: int) -> None:
    """Send a pending refund again (the same out_request_no: the gateway refunds it once)."""
    refund = refunds.refund_submit(refund_id=refund_id)
    logger.info("refund %s: %s", refund_id, refund.status)


@shared_task(name="payments.reconcile", ignore_result=True, acks_late=True)
def reconcile() -> None:
    """Periodic (every 5 minutes): settle or close payments whose notify never arrived, record
    the refund of paid orders cancelled without one, and submit again refunds left pending
    (their gateway was unreachable or its answer lost)."""
    older_than = timedelta(minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    counts = services.payments_reconcile(older_than=older_than)
    counts.update(refunds.refunds_reconcile(older_than=older_than))
    if counts:
        logger.info("payments reconciled: %s", counts)
