from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The ground floor: model bases, money, the domain error base and request helpers that
    every app may use. It imports no app of the project."""

    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from .cache_generations import forget_prefetched

        uid = "common.cache_generations.forget_prefetched"
        request_started.connect(forget_prefetched, dispatch_uid=uid + ".started")
        request_finished.connect(forget_prefetched, dispatch_uid=uid + ".finished")
