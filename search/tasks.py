"""Celery tasks of search: thin wrappers around services. All are idempotent."""

from celery import shared_task

from . import services
from .backends.base import SearchBackendUnavailable


@shared_task(
    name="search.index_products",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(SearchBackendUnavailable,),
    retry_backoff=True,
    max_retries=8,
)
def index_products(product_ids: list[int]) -> int:
    """Re-index a batch of products queued after a commit (see services.search_index_queue)."""
    return services.search_index_products(product_ids=product_ids)


@shared_task(name="search.refresh_stale", ignore_result=True, acks_late=True)
def refresh_stale() -> int:
    """After catalog-wide stats or stock refreshes: re-index the products that changed."""
    return services.search_index_refresh_stale()


@shared_task(name="search.rebuild_index", ignore_result=True, acks_late=True)
def rebuild_index() -> dict[str, int]:
    """Nightly (see CELERY_BEAT_SCHEDULE): rebuild the whole index without downtime."""
    return services.search_index_rebuild()
