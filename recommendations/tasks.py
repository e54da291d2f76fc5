"""Celery tasks of the recommender: thin wrappers around services."""

import logging

from celery import shared_task

from .services.buffer import interactions_flush_buffer
from .services.profiles import user_profiles_build
from .services.sales import product_sales_counts_refresh
from .services.training import TrainingUnderWay, recommender_train
from .services.trending import recommender_refresh_trending
from .services.tuning import TuningUnderWay, recommender_tune

log = logging.getLogger(__name__)


@shared_task(name="recommendations.train", ignore_result=True, acks_late=False)
def train_recommender() -> int | None:
    """Train a new model version (nightly on the beat schedule, or from admin). A run already
    under way makes this one a no-op; runs left unfinished by a dead worker are marked failed
    (see services.training.recommender_train).
    Not acks_late: a redelivered training run would start the whole job again."""
    try:
        version = recommender_train(report=log.info)
    except TrainingUnderWay:
        log.info("a training run is already under way; not starting another")
        return None
    return version.pk


@shared_task(name="recommendations.tune", ignore_result=True, acks_late=False)
def tune_recommender() -> int | None:
    """Search the model's settings on a validation split (weekly on the beat schedule); the
    nightly training uses the best from then on. A search under way, or one finished within
    the last hours (a duplicate delivery), makes this a no-op (see
    services.tuning.recommender_tune). Not acks_late: a redelivery would search again."""
    try:
        run = recommender_tune(skip_if_recent=True, report=log.info)
    except TuningUnderWay:
        log.info("a tuning run is already under way; not starting another")
        return None
    return run.pk if run else None


@shared_task(name="recommendations.flush_interactions", ignore_result=True, acks_late=False)
def flush_interactions() -> int:
    """Product views buffered in Redis into the interactions table (every few seconds on the
    beat schedule; see services.buffer.interactions_flush_buffer)."""
    return interactions_flush_buffer()


@shared_task(name="recommendations.build_user_profiles", ignore_result=True, acks_late=True)
def build_user_profiles() -> int:
    return user_profiles_build()


@shared_task(name="recommendations.refresh_trending", ignore_result=True, acks_late=True)
def refresh_trending() -> int:
    """The live version's trending lists from the latest demand (hourly on the beat schedule)."""
    return recommender_refresh_trending()


@shared_task(name="recommendations.refresh_sales_counts", ignore_result=True, acks_late=True)
def refresh_sales_counts(product_ids: list[int] | None = None) -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): the catalog's units sold (best sellers) recounted
    from the paid orders. Idempotent."""
    return product_sales_counts_refresh(product_ids=product_ids)
