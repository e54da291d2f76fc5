import logging

from django.apps import AppConfig

logger = logging.getLogger("shop")


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self) -> None:
        from django.conf import settings

        from . import integrations

        for line in integrations.describe(settings):
            logger.debug(line)
