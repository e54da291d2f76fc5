from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from common.signals import storefront_content_changed

        from . import receivers
        from .models import Brand, Category, Product, ProductImage, ProductVariant, Review

        for model in (Brand, Category, Product, ProductImage, ProductVariant, Review):
            uid = f"catalog.catalog_changed.{model.__name__}"
            post_save.connect(receivers.catalog_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(receivers.catalog_changed, sender=model, dispatch_uid=uid)
        storefront_content_changed.connect(
            receivers.storefront_content_changed, dispatch_uid="catalog.storefront_content_changed"
        )
        uid = "catalog.variant_changed"
        post_save.connect(receivers.variant_changed, sender=ProductVariant, dispatch_uid=uid)
        post_delete.connect(receivers.variant_changed, sender=ProductVariant, dispatch_uid=uid)
        uid = "catalog.image_changed"
        post_save.connect(receivers.image_changed, sender=ProductImage, dispatch_uid=uid)
        post_delete.connect(receivers.image_changed, sender=ProductImage, dispatch_uid=uid)
