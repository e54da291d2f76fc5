"""Celery tasks of the support assistant: thin, idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

log = logging.getLogger(__name__)


@shared_task(name="support.train_classifier", ignore_result=True, acks_late=False)
def train_classifier() -> int | None:
    """Train and publish a new classifier version from the active training examples. Returns
    its id; None when another run is under way (that run, or the one queued after the next
    save, picks up the changes) or there is too little to train on."""
    from .training import NotEnoughExamples, TrainingUnderWay, classifier_train

    try:
        return classifier_train(report=log.info).pk
    except TrainingUnderWay:
        log.info("support.train_classifier: a run is already under way; nothing to do")
    except NotEnoughExamples as error:
        log.warning("support.train_classifier: %s", error)
    return None


def queue_training() -> None:
    """Retrain soon after the current transaction commits (admin saves of training examples).
    Several saves in a row queue one run each; a run already under way makes the next a no-op."""
    transaction.on_commit(lambda: train_classifier.apply_async(countdown=5), robust=True)
