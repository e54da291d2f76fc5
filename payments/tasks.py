"""Celery tasks of payments: thin wrappers around services."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import services
from .alipay_client import GatewayError

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


@shared_task(name="payments.reconcile", ignore_result=True, acks_late=True)
def reconcile() -> None:
    """Periodic (every 5 minutes): settle or close payments whose notify never arrived."""
    minutes = settings.PAYMENTS_RECONCILE_AFTER_MINUTES
    counts = services.payments_reconcile(older_than=timedelta(minutes=minutes))
    if counts:
        logger.info("payments reconciled: %s", counts)
