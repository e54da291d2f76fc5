"""Celery tasks of the catalog: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="catalog.refresh_product_stats", ignore_result=True, acks_late=True)
def refresh_product_stats(product_ids: list[int] | None = None) -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): rating aggregates and the in-stock flags (a safety
    net for stock changed outside the services). Units sold are counted by the recommender."""
    services.product_availability_refresh(product_ids=product_ids)
    return services.product_stats_refresh(product_ids=product_ids)
