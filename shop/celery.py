"""The Celery app. The broker is Redis when REDIS_URL is set, otherwise a SQLite file (kombu's
SQLAlchemy transport), so the embedded default runs a real worker with nothing to install."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.local")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _say_which_integrations(**kwargs) -> None:
    from common import integrations

    for line in integrations.describe():
        logging.getLogger("shop").info(line)
