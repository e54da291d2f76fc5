"""The insights app's tables, one module per area."""

from .funnel import *  # noqa: F403
from .jobs import *  # noqa: F403
from .replenishment import *  # noqa: F403
from .segments import *  # noqa: F403
