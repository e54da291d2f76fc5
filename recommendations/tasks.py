"""Celery tasks of the recommender: thin wrappers around services."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(name="recommendations.train", ignore_result=True, acks_late=False)
def train_recommender() -> int | None:
    """Train a new model version (nightly on the beat schedule, or from admin). A run already
    under way makes this one a no-op; runs left unfinished by a dead worker are marked failed
    (see services.recommender_train).
    Not acks_late: a redelivered training run would start the whole job again."""
    try:
        version = services.recommender_train(report=log.info)
    except services.TrainingUnderWay:
        log.info("a training run is already under way; not starting another")
        return None
    return version.pk


@shared_task(name="recommendations.flush_interactions", ignore_result=True, acks_late=False)
def flush_interactions() -> int:
    """Product views buffered in Redis into the interactions table (every few seconds on the
    beat schedule; see services.interactions_flush_buffer)."""
    return services.interactions_flush_buffer()


@shared_task(name="recommendations.build_user_profiles", ignore_result=True, acks_late=True)
def build_user_profiles() -> int:
    return services.user_profiles_build()


@shared_task(name="recommendations.refresh_trending", ignore_result=True, acks_late=True)
def refresh_trending() -> int:
    """The live version's trending lists from the latest demand (hourly on the beat schedule)."""
    return services.recommender_refresh_trending()
