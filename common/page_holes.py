"""Pages kept with holes: the same page for every shopper but for a few per-shopper parts.

A storefront page seen by a visitor with a session (signed in, or with a cart) is the page every
such visitor sees, except for a few parts: the number of items in the cart, the CSRF token of the
header's log-out form, the recommendation slots. While a page is rendered for the cache, each of
those parts prints a marker instead (`request.page_holes` is set); the page is then kept as its
literal pieces with, between them, which function fills each hole and with what arguments. A
later request joins the pieces with its own values, worked out afresh (`fill`), so a shopper
never sees another one's part, nor a stale count.

A per-shopper part is a function `f(request, *args)` returning what the page prints there (the
escaped text or Markup), decorated with `per_shopper`; anywhere else it is simply called.
"""

from __future__ import annotations

import importlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.utils.formats import localize
from markupsafe import Markup, escape

Part = str | tuple[str, tuple]  # literal HTML, or (filler path, arguments)


class Holes:
    """The holes of one page being rendered for the cache."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self._found: dict[str, tuple[str, tuple]] = {}
        self._parts: dict[str, str] = {}
        self.notes: dict[str, Any] = {}  # what the view asks to be told again on a hit

    def hole(self, filler: str, args: tuple) -> Markup:
        marker = f"hole{self.token}n{len(self._found)}e"
        # An argument that is itself a view's part (see `part`) is looked up again when filled.
        args = tuple(
            (_PART, self._parts[a]) if isinstance(a, Markup) and a in self._parts else a
            for a in args
        )
        self._found[marker] = (filler, args)
        return Markup(marker)

    def part(self, name: str) -> Markup:
        """The marker of the view's own value `name` (request.page_parts[name] when filled)."""
        marker = self.hole(_VIEW_PART, (name,))
        self._parts[marker] = name
        return marker

    def split(self, content: str) -> list[Part]:
        parts: list[Part] = []
        position = 0
        for match in re.finditer(f"hole{self.token}n[0-9]+e", content):
            parts.append(content[position : match.start()])
            parts.append(self._found[match.group()])
            position = match.end()
        parts.append(content[position:])
        return parts


def rendering_holes(request) -> Holes | None:
    return getattr(request, "page_holes", None)


def page_note(request, name: str, value: Any) -> None:
    """Keep `value` with the page being rendered for the cache (see Holes.notes)."""
    holes = rendering_holes(request)
    if holes is not None:
        holes.notes[name] = value


def per_shopper(function: Callable[..., str]) -> Callable[..., str]:
    """`function(request, *args)` prints a per-shopper part: a hole while the page is rendered
    for the cache, its value otherwise."""
    path = f"{function.__module__}:{function.__qualname__}"

    @wraps(function)
    def part(request, *args):
        holes = rendering_holes(request)
        if holes is None:
            return function(request, *args)
        return holes.hole(path, args)

    return part


_fillers: dict[str, Callable[..., str]] = {}


def _filler(path: str) -> Callable[..., str]:
    found = _fillers.get(path)
    if found is None:
        module, _, name = path.partition(":")
        target: Any = importlib.import_module(module)
        for attribute in name.split("."):
            target = getattr(target, attribute)
        found = _fillers[path] = getattr(target, "__wrapped__", target)
    return found


def view_part(request, name: str) -> str:
    """A value the view gives for this request (request.page_parts), printed as a template
    prints it: Markup as it is, text escaped, numbers localised."""
    value = request.page_parts[name]
    if isinstance(value, Markup):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return localize(value)
    return str(escape(value))


_PART = "\x00part"
_VIEW_PART = f"{view_part.__module__}:{view_part.__qualname__}"


def _argument(request, value):
    if value.__class__ is tuple and len(value) == 2 and value[0] == _PART:
        return request.page_parts[value[1]]
    return value


def fill(request, parts: list[Part]) -> str:
    """The page for this request: the literal pieces, each hole filled afresh."""
    return "".join(
        part
        if part.__class__ is str
        else str(_filler(part[0])(request, *(_argument(request, a) for a in part[1])))
        for part in parts
    )
