"""A developer's laptop: the embedded default, DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
# `make run` pays through the local Alipay sandbox; base.py decided with DEBUG still off.
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=DEBUG)
# The sandbox app (its views, templates and the worker's notification task, found by Celery's
# autodiscovery) is installed exactly when it is on; base.py decided with another DEBUG.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "alipay_sandbox"]
if ALIPAY_SANDBOX:
    INSTALLED_APPS += ["alipay_sandbox"]
