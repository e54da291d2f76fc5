"""The one base of every domain error in the project.

A service that refuses something raises a subclass of DomainError with a message a person can
read (translated); views, admin actions, the API and the support assistant catch DomainError
and show the message instead of failing with a 500."""


class DomainError(Exception):
    """A business rule said no. `str(error)` is the message for the person who asked."""
