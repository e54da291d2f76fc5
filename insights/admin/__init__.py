"""The insights pages in admin, one module per area."""

from . import dashboard, funnel, jobs, replenishment, reports, segments  # noqa: F401
