"""Celery tasks of logistics: thin wrappers around its services."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


# --- Tracking: the simulated carrier ------------------------------------------------------------


@shared_task(name="logistics.simulate_carrier", ignore_result=True, acks_late=True)
def simulate_carrier() -> int:
    """Periodic (every 5 minutes): the simulated carrier reports every stage whose time has come
    (logistics.carrier_sim). Idempotent: a stage reported twice is recorded once."""
    from . import carrier_sim

    steps = carrier_sim.carrier_sim_run(steps=None, due_only=True)
    if steps:
        logger.info("simulated carrier reported %s tracking events", len(steps))
    return len(steps)
