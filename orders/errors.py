from common.errors import DomainError


class OrderError(DomainError):
    """An order change that cannot be made; the message is shown to the person as it is."""


class IllegalTransition(OrderError):
    pass


class CheckoutError(OrderError):
    pass


class DeliveryUnavailable(CheckoutError):
    """The delivery chosen cannot be used for this address now (the method does not serve it,
    or the slot has gone): the shopper chooses again at the delivery step."""
