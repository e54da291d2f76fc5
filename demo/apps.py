from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo shop: `manage.py seed_demo` fills every app below it with a bilingual catalog,
    shoppers and their history; `manage.py shop_info` says where to find it."""

    name = "demo"
    verbose_name = _("Demo shop")
