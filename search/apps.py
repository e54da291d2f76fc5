from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        """Connect the receivers (receivers.py): catalog changes queue re-indexing; a changed
        synonym rule makes every process read the list again."""
        from django.db.models.signals import post_delete, post_save

        from catalog.models import Brand, Category, Product, ProductVariant, Review
        from catalog.signals import products_changed
        from common.integrations import register_check
        from logistics.models import Stock

        from . import receivers
        from .health import check_search
        from .models import SearchSettings, Synonym

        uid = "search."
        for signal in (post_save, post_delete):
            name = "saved" if signal is post_save else "deleted"
            signal.connect(
                receivers.product_changed, sender=Product, dispatch_uid=f"{uid}product.{name}"
            )
            for part in (ProductVariant, Review):
                signal.connect(
                    receivers.product_part_changed,
                    sender=part,
                    dispatch_uid=f"{uid}{part.__name__}.{name}",
                )
            signal.connect(receivers.stock_changed, sender=Stock, dispatch_uid=f"{uid}stock.{name}")
            signal.connect(
                receivers.synonym_changed, sender=Synonym, dispatch_uid=f"{uid}synonym.{name}"
            )
        post_save.connect(
            receivers.category_changed, sender=Category, dispatch_uid=uid + "category"
        )
        post_save.connect(receivers.brand_changed, sender=Brand, dispatch_uid=uid + "brand")
        products_changed.connect(receivers.products_bulk_changed, dispatch_uid=uid + "bulk")
        post_save.connect(
            receivers.settings_saved, sender=SearchSettings, dispatch_uid=uid + "settings"
        )
        # Search falls back to the database when Elasticsearch is down: it degrades, not fails.
        register_check("search", check_search, required=False)
