"""A developer's laptop: the embedded default, DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# `make run` pays through the local Alipay sandbox; base.py decided with DEBUG still off.
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=DEBUG)
CELERY_IMPORTS = ["payments.sandbox.tasks"] if ALIPAY_SANDBOX else []
