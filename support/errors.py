from common.errors import DomainError


class ChatError(DomainError):
    """A message the assistant refuses (empty, too long, too many too fast): its text is shown
    to the shopper in the widget."""
