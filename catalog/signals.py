"""Domain signals of the catalog, for apps that the catalog must not know about. Handled in the
receiving app's receivers.py."""

from django.dispatch import Signal

# Sent by the services that change products in bulk (UPDATE bypasses post_save), inside their
# transaction, with `product_ids` (None: possibly every product). Search re-indexes on it.
products_changed = Signal()

# Sent by the product page with product_id, variant_id (or None), user_id (or None),
# session_key (or "") and from_search when a shopper looks at a product, and channel: "web" from
# the pages, the client's X-Client-Channel from the API; merchant_id when the sender has it (the
# page does: insights then looks up nothing). Recommendations and insights record it.
product_viewed = Signal()
