"""WSGI entry point for gunicorn and other servers."""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.local")

application = get_wsgi_application()

from common import integrations  # noqa: E402  (needs the settings loaded above)

for line in integrations.describe():
    logging.getLogger("shop").info(line)
