"""Celery tasks of insights (found by autodiscovery of `insights.tasks`), one module per area."""

from .funnel import *  # noqa: F403
from .replenishment import *  # noqa: F403
from .segments import *  # noqa: F403
