"""Through which channel a change is being made (the web pages by default; "chat" while the
support assistant acts for a shopper). Event recorders add it to their params, so an order's
history says "via chat" for what the assistant did."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_via: ContextVar[str] = ContextVar("via", default="")


@contextmanager
def acting_via(channel: str) -> Iterator[None]:
    token = _via.set(channel)
    try:
        yield
    finally:
        _via.reset(token)


def current_via() -> str:
    return _via.get()


def with_via(params: dict | None) -> dict:
    """`params` with the current channel added (as "via"), when there is one."""
    params = dict(params or {})
    via = current_via()
    if via and "via" not in params:
        params["via"] = via
    return params
