from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The ground floor: model bases, money, the domain error base and request helpers that
    every app may use. It imports no app of the project."""

    name = "common"
    verbose_name = _("Common")
