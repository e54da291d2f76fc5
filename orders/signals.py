"""Domain signals of orders, for apps that orders must not know about (payments closes the
gateway trade of a cancelled order). Sent after the transaction commits."""

from django.dispatch import Signal

# Sent with order_id once an order's cancellation has been committed.
order_cancelled = Signal()
# Sent with order_id, line_ids, actor_id and reason once a merchant's withdrawal of its own
# lines from a shared order (services.order_lines_cancel) has been committed.
order_lines_cancelled = Signal()
# Sent with order_id and session_key (the shopper's browser session, "" if none) once a new order
# placed at checkout (services.order_place) has been committed: the funnel's "checkout" step.
order_placed = Signal()
# Sent with order_id once the payment of an order has been committed (the order is now paid).
order_paid = Signal()
