from common.errors import DomainError


class OrderError(DomainError):
    """An order change that cannot be made; the message is shown to the person as it is."""


class IllegalTransition(OrderError):
    pass


class CheckoutError(OrderError):
    pass
