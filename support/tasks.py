"""Celery tasks of the support assistant: thin, idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

log = logging.getLogger(__name__)


@shared_task(name="support.train_classifier", ignore_result=True, acks_late=False)
def train_classifier() -> int | None:
    """Train and publish a new classifier version from the active training examples (filled by
    the NLU work: support.training)."""
    raise NotImplementedError("support.tasks.train_classifier: built by the NLU work")


def queue_training() -> None:
    """Retrain soon after the current transaction commits (admin saves of training examples).
    Several saves in a row queue one run each; a run already under way makes the next a no-op."""
    transaction.on_commit(lambda: train_classifier.apply_async(countdown=5), robust=True)
