"""Insights tasks: funnel."""

from celery import shared_task

from ..services.funnel import shopper_views_flush_buffer

__all__ = ["flush_views"]


@shared_task(name="insights.flush_views", ignore_result=True, acks_late=False)
def flush_views() -> int:
    """Product views buffered in Redis into the funnel's events table (every few seconds on the
    beat schedule; see services.funnel.shopper_views_flush_buffer). Safe to run twice at once:
    each view is taken off the buffer once."""
    return shopper_views_flush_buffer()
