"""Row locks for orders, in the project-wide order: Order before OrderLine before Stock."""

from .models import Order, OrderLine


def lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def lock_lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.select_for_update().filter(order=order).order_by("pk"))
