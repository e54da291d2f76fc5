"""Order numbers: unique, not guessable, not the database id. No Django imports."""

import secrets

# Crockford's base32 without I, L, O, U: easy to read out over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_number(length: int = 12) -> str:
    """A random order number such as "7KQ3M9XA2D4F" (60 bits of randomness at length 12)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
