"""The shop-wide synonym list: its rules, and the expansion of a query's words by them. Plain
Python, no Django (the rows are read and cached by `search.selectors.synonym_table`).

A rule is one line of the shipped list (search/data/synonyms.txt) or one `Synonym` row:

    sneakers, trainers, 运动鞋        two-way: each term finds the others
    cell phone, mobile phone => smartphone, 手机    one-way: the terms also find the targets

A term is a word or a phrase in either language, split into words exactly as a query is
(`search.analysis.parse`), so it follows the query's segmentation. A query is expanded by the
longest run of its consecutive words that is a term ("cell phone" before "phone"): those words
become one clause that a hit may match by the shopper's own words (each of them, anywhere) or
by any of the term's synonyms (a phrase, in the name, brand, category or attributes). The words
of the list are matched as written and in their plural or singular only (`own_forms`), never by
stem, nor taken for typos: "comforter" must not find "comfort".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from . import analysis
from .analysis import Clause, ParsedQuery

# The shipped list, loaded by migration 0010 and `manage.py load_synonyms`.
DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "synonyms.txt"

# Terms are separated by commas (also the Chinese full-width comma and enumeration comma); a
# one-way rule by "=>".
_SEPARATOR = re.compile("[,\uff0c\u3001]")
ARROW = "=>"
# The longest term, in words: longer runs are never looked up.
MAX_TERM_WORDS = 4


class RuleError(ValueError):
    """A rule that cannot be read: `code` says why (one of MESSAGES, which the admin shows
    translated), `line` where in a list."""

    MESSAGES = {
        "no_terms": "A rule needs at least one term.",
        "no_targets": "A one-way rule needs at least one target.",
        "targets_two_way": "Only a one-way rule has targets.",
        "one_term": "A two-way rule needs at least two different terms.",
        "term_is_target": "A term cannot also be a target: %(term)s",
        "too_long": "A term has at most %(words)s words: %(term)s",
        "arrows": "A rule has at most one =>.",
    }

    def __init__(self, code: str, *, line: int | None = None, **params):
        self.code, self.line, self.params = code, line, params
        message = self.MESSAGES[code] % {"words": MAX_TERM_WORDS, **params}
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Rule:
    """Two-way when `targets` is empty: every term finds the others. One-way otherwise: each
    term also finds the targets (and the targets find only themselves)."""

    terms: tuple[str, ...]
    targets: tuple[str, ...] = ()

    @property
    def one_way(self) -> bool:
        return bool(self.targets)


def split_terms(text: str) -> tuple[str, ...]:
    """The terms of a comma-separated list, normalised as queries are, without repeats."""
    terms: list[str] = []
    for part in _SEPARATOR.split(text or ""):
        term = " ".join(term_words(part))
        if term and term not in terms:
            terms.append(term)
    return tuple(terms)


def term_words(term: str) -> tuple[str, ...]:
    """A term's words, as a query's (quotes and operators only separate words)."""
    return tuple(c.word for c in analysis.parse(term.replace('"', " ")).clauses)


def make_rule(terms: str, targets: str = "", *, one_way: bool = False) -> Rule:
    """A rule from its comma-separated terms (and targets, for a one-way rule); RuleError
    says what is wrong."""
    own = split_terms(terms)
    aims = split_terms(targets)
    if not own:
        raise RuleError("no_terms")
    if one_way and not aims:
        raise RuleError("no_targets")
    if not one_way and aims:
        raise RuleError("targets_two_way")
    if not one_way and len(own) < 2:
        raise RuleError("one_term")
    both = [t for t in own if t in aims]
    if both:
        raise RuleError("term_is_target", term=both[0])
    long = [t for t in (*own, *aims) if len(t.split()) > MAX_TERM_WORDS]
    if long:
        raise RuleError("too_long", term=long[0])
    return Rule(terms=own, targets=aims)


def parse_line(line: str) -> Rule | None:
    """One line of the shipped list: None for a blank line or a # comment."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    if ARROW in line:
        terms, _arrow, targets = line.partition(ARROW)
        if ARROW in targets:
            raise RuleError("arrows")
        return make_rule(terms, targets, one_way=True)
    return make_rule(line)


def parse_rules(text: str) -> list[Rule]:
    """Every rule of a list; RuleError names the first line that cannot be read."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            rule = parse_line(line)
        except RuleError as exc:
            raise RuleError(exc.code, line=number, **exc.params) from exc
        if rule is not None:
            rules.append(rule)
    return rules


def own_forms(word: str) -> tuple[str, ...]:
    """A word of the synonym list as written and in its English plural or singular ("duvet",
    "duvets"; "cherry", "cherries"; both "hoodie" and "hoody" for "hoodies"). Chinese and
    digits as written."""
    if analysis.is_cjk(word) or not word.isalpha() or len(word) < 3:
        return (word,)
    forms = {word}
    if word.endswith("ies"):
        forms.update((word[:-3] + "y", word[:-1]))
    elif word.endswith("es") and word[:-2].endswith(("ss", "x", "z", "ch", "sh")):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    elif word.endswith("y") and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    elif word.endswith(("s", "x", "ch", "sh")):
        forms.add(word + "es")
    else:
        forms.add(word + "s")
    return tuple(sorted(forms))


class SynonymTable:
    """The active rules, indexed for expansion: term (a tuple of words) -> the other terms it
    finds."""

    def __init__(self, rules: Iterable[Rule] = ()):
        found: dict[tuple[str, ...], list[tuple[str, ...]]] = {}

        def add(term: str, others: Iterable[str]) -> None:
            words = tuple(term.split())
            # A shopper may type the term in the plural or singular ("comforters", "sneaker").
            for form in own_forms(words[-1]):
                key = (*words[:-1], form)
                entry = found.setdefault(key, [])
                for other in others:
                    other_words = tuple(other.split())
                    if other_words != words and other_words not in entry:
                        entry.append(other_words)

        for rule in rules:
            if rule.one_way:
                for term in rule.terms:
                    add(term, rule.targets)
            else:
                for term in rule.terms:
                    add(term, rule.terms)
        self.alternatives = {key: tuple(value) for key, value in found.items() if value}
        self.longest = max((len(key) for key in self.alternatives), default=0)

    def expand(self, parsed: ParsedQuery) -> ParsedQuery:
        """The query with each run of words that is a term (the longest first, from the left)
        made one clause carrying its synonyms. Quoted phrases are left as typed."""
        if not self.alternatives:
            return parsed
        clauses: list[Clause] = []
        source = parsed.clauses
        position = 0
        while position < len(source):
            matched = None
            for size in range(min(self.longest, len(source) - position), 0, -1):
                run = source[position : position + size]
                if any(c.is_phrase for c in run):
                    continue
                key = tuple(c.word for c in run)
                if key in self.alternatives:
                    matched = (size, key)
                    break
            if matched is None:
                clauses.append(source[position])
                position += 1
                continue
            size, key = matched
            own = (
                term_clause(key)
                if size == 1
                else Clause(
                    word=" ".join(key),
                    parts=tuple(term_clause((word,)) for word in key),
                    exact=True,
                )
            )
            own.synonyms = tuple(term_clause(words) for words in self.alternatives[key])
            clauses.append(own)
            position += size
        return replace(parsed, clauses=clauses)


def term_clause(words: tuple[str, ...]) -> Clause:
    """The clause matching a term: one word in its own forms, or several as a phrase."""
    if len(words) == 1 and analysis.is_cjk(words[0]):
        # A Chinese term is one word of the dictionary (every rebuild adds the list's terms).
        return Clause(word=words[0], alternatives=(words[0],), exact=True)
    if len(words) == 1:
        clause = analysis.parse(words[0]).clauses[0]
    else:
        clause = analysis.parse('"' + " ".join(words) + '"').clauses[0]
    if not clause.is_phrase and not clause.is_cjk:
        clause.exact = True
        clause.alternatives = own_forms(clause.word)
    return clause
