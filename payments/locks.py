"""Row locks for payments, after the project-wide order: Order (orders.locks) before Payment."""

from .models import Payment


def lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)
