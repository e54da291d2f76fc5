"""Units sold per product, counted from paid order lines and pushed into the catalog, which sorts
best sellers by them (the catalog knows nothing of orders)."""

from __future__ import annotations

import logging

from django.db.models import Sum

from catalog.services import product_sales_counts_set
from orders.models import SOLD_STATUSES, OrderLine

log = logging.getLogger(__name__)


def product_sales_counts_refresh(*, product_ids: list[int] | None = None) -> int:
    """Recount the units sold of the given products (None: every product) from the lines of
    orders in a sold status, and store them on the products. Idempotent: the result depends
    only on the orders. Returns how many products' counts changed."""
    lines = OrderLine.objects.filter(order__status__in=SOLD_STATUSES)
    if product_ids is not None:
        lines = lines.filter(product_id__in=product_ids)
    counts = dict(
        lines.values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
        .order_by()
    )
    changed = product_sales_counts_set(counts=counts, product_ids=product_ids)
    log.info("sales counts of %s products changed", changed)
    return changed
