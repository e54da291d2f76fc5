from common.errors import DomainError


class CartError(DomainError, ValueError):
    """A cart change that cannot be made; the message is shown to the shopper as it is."""
