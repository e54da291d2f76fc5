from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The ground floor: model bases, money, the domain error base and request helpers that
    every app may use. It imports no app of the project."""

    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from .read_ahead import forget_all

        uid = "common.read_ahead.forget_all"
        request_started.connect(forget_all, dispatch_uid=uid + ".started")
        request_finished.connect(forget_all, dispatch_uid=uid + ".finished")
