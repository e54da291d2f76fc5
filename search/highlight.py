"""Matched words wrapped in <mark>, HTML-escaped: the snippets of the database backends.
Plain Python, no Django."""

from __future__ import annotations

import html
import re

from .analysis import CJK, Clause, ParsedQuery, is_cjk

_LATIN = re.compile(r"[a-z0-9]+")
_RUN = re.compile(f"[{CJK}]+")
SNIPPET_LENGTH = 180


class Matcher:
    """Which words of a text count as matches of a parsed (and resolved) query."""

    def __init__(self, parsed: ParsedQuery):
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.cjk: set[str] = set()
        for clause in parsed.clauses:
            self._add(clause)

    def _add(self, clause: Clause) -> None:
        """A clause's words, its parts' and its synonyms'."""
        for other in (*clause.parts, *clause.synonyms):
            self._add(other)
        if clause.parts:
            return
        if clause.phrase:
            for word in clause.word.split():
                (self.cjk if is_cjk(word) else self.words).add(word)
        elif clause.is_cjk:
            self.cjk.update(clause.alternatives or (clause.word,))
        else:
            self.words.update(clause.alternatives or (clause.word,))
            if clause.corrected:
                self.words.add(clause.corrected)
            if clause.prefix:
                self.prefixes.add(clause.prefix)

    def spans(self, text: str) -> list[tuple[int, int]]:
        lower = text.lower()
        if len(lower) != len(text):  # a case mapping that changes length: no safe offsets
            return []
        found = []
        for match in _LATIN.finditer(lower):
            word = match.group()
            if word in self.words or any(word.startswith(p) for p in self.prefixes):
                found.append(match.span())
        if self.cjk:
            for run in _RUN.finditer(text):
                for term in self.cjk:
                    start = run.group().find(term)
                    while start != -1:
                        found.append((run.start() + start, run.start() + start + len(term)))
                        start = run.group().find(term, start + len(term))
        return _merge(found)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def highlight(text: str, matcher: Matcher) -> str | None:
    """The whole text with matches marked, or None if nothing matched."""
    spans = matcher.spans(text or "")
    return mark(text, spans) if spans else None


def snippet(text: str, matcher: Matcher, length: int = SNIPPET_LENGTH) -> str | None:
    """About `length` characters around the first match, matches marked; None if none."""
    text = text or ""
    spans = matcher.spans(text)
    if not spans:
        return None
    if len(text) <= length:
        return mark(text, spans)
    start = max(0, spans[0][0] - length // 3)
    # Start at a word boundary.
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    end = min(len(text), start + length)
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    ]
    body = mark(text[start:end], window)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
