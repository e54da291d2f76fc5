from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from common.integrations import register_check

        from . import signals  # noqa: F401
        from .health import check_search

        # Search falls back to the database when Elasticsearch is down: it degrades, not fails.
        register_check("search", check_search, required=False)
