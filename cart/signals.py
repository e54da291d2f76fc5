"""Domain signals of the cart, for apps the cart must not know about. Handled in the receiving
app's receivers.py."""

from django.dispatch import Signal

# Sent after cart_add with user, session, product_id, variant_id and quantity (the recommender
# records the addition).
item_added = Signal()
