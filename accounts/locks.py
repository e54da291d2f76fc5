"""Row locks for accounts. A user is locked before anything of theirs (addresses first of all),
whichever app locks it, so that edits of one shopper's data run one after the other."""

from __future__ import annotations

from .models import User


def lock_user(user_id: int) -> User | None:
    """Lock the user's row until the transaction ends; None if there is no such user."""
    return User.objects.select_for_update().filter(pk=user_id).first()
