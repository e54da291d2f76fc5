"""Domain signals of the cart, for apps the cart must not know about. Handled in the receiving
app's receivers.py."""

from django.dispatch import Signal

# Sent after cart_add with user, session, product_id, variant_id, quantity and channel ("web", or
# the API client's channel). The recommender and insights' funnel record the addition.
item_added = Signal()
