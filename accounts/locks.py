"""Row locks for accounts: a user's row, locked before their addresses are edited, so that edits
of one shopper's data run one after the other. Such a transaction locks nothing else (the
project's lock order: docs/architecture.md, "The lock order")."""

from __future__ import annotations

from .models import User


def lock_user(user_id: int) -> User | None:
    """Lock the user's row until the transaction ends; None if there is no such user."""
    return User.objects.select_for_update().filter(pk=user_id).first()
