"""Domain signals of orders, for apps that orders must not know about (payments closes the
gateway trade of a cancelled order). Sent after the transaction commits."""

from django.dispatch import Signal

# Sent with order_id once an order's cancellation has been committed.
order_cancelled = Signal()
