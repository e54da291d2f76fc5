from orders.errors import OrderError


class PaymentError(OrderError):
    """A payment that cannot be started; the message is shown to the person as it is."""


class IllegalPaymentTransition(PaymentError):
    """A payment or refund status move that payments.transitions does not allow."""
