"""Celery tasks of the API: thin wrappers around its services."""

import logging

from celery import shared_task

from .idempotency import idempotency_keys_purge

logger = logging.getLogger(__name__)


@shared_task(name="api.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Periodic (hourly): forget Idempotency-Key answers older than a day."""
    count = idempotency_keys_purge()
    if count:
        logger.info("forgot %s idempotency keys older than a day", count)
    return count
