"""A stock row saved or deleted one at a time outside the stock services (fixtures, a shell):
re-check its product's in-stock flag (which also refreshes the storefront cache). The services
write in bulk, bypassing these, and refresh after commit themselves. Connected in apps.py."""

from django.db import transaction

from catalog.services import product_availability_refresh

from .models import Stock


def stock_row_changed(sender, instance: Stock, **kwargs) -> None:
    product_id = instance.variant.product_id
    transaction.on_commit(lambda: product_availability_refresh(product_ids=[product_id]))
