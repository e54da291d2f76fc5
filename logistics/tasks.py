"""Celery tasks of logistics: thin wrappers around services."""

import logging

from celery import shared_task

from . import notifications, services
from .models import Stock

logger = logging.getLogger(__name__)


@shared_task(name="logistics.send_low_stock_alert", ignore_result=True, acks_late=True)
def send_low_stock_alert(stock_id: int) -> int:
    """Email a stock row's staff that it went low, once per crossing: a retry, a duplicate or a
    row that is no longer low sends nothing. Returns how many emails were sent."""
    since = services.low_stock_alert_claim(stock_id=stock_id)
    if since is None:
        logger.info("stock %s: not low, or its crossing was alerted already", stock_id)
        return 0
    stock = (
        Stock.objects.select_related("variant__product", "warehouse").filter(pk=stock_id).first()
    )
    if stock is None:
        return 0
    threshold = stock.threshold_with(stock.warehouse.low_stock_threshold)
    try:
        return notifications.send_low_stock_email(stock=stock, threshold=threshold)
    except Exception:
        services.low_stock_alert_release(stock_id=stock_id, since=since)
        raise
