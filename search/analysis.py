"""Text analysis for the database backends, shared by indexing and querying so both see the
same tokens. Plain Python, no Django.

- Latin text is lower-cased and split into words of letters and digits ("T-Shirt" gives "t",
  "shirt"; the joined "tshirt" is indexed too).
- Chinese has no spaces: every run of CJK characters is indexed as overlapping bigrams
  ("跑步鞋" gives "跑步 步鞋"), so a two-character word such as 耳机 is one token and a longer
  query is a phrase of bigrams. A single character is matched as a prefix of the bigrams.
- Words are stemmed (Snowball, English) only to find the vocabulary's other forms of a query word
  ("shoes" also finds "shoe"); the index keeps the words as written, so prefixes and phrases work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[a-z0-9]+|[{CJK}]+")
_CJK_RUN = re.compile(rf"^[{CJK}]+$")
_APOSTROPHES = "'\u2019"
_JOINED = re.compile(rf"[a-z0-9]+(?:[-{_APOSTROPHES}][a-z0-9]+)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Dropped from queries (outside quoted phrases): they match nearly every description.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "this",
        "that",
        "to",
        "with",
        "your",
        "you",
        "our",
        "its",
    ]
)
MAX_WORD_LENGTH = 64
MAX_CLAUSES = 12

_stemmer = snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, no control characters,
    single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text).lower()
    return " ".join(text.split())


def is_cjk(word: str) -> bool:
    return bool(_CJK_RUN.match(word))


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    if is_cjk(word) or word.isdigit():
        return word
    return _stemmer.stemWord(word)[:MAX_WORD_LENGTH]


def words(text: str) -> list[str]:
    """Latin words and CJK runs, in order."""
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(normalise(text))]


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens_of_word(word: str) -> list[str]:
    return bigrams(word) if is_cjk(word) else [word]


def index_text(*texts: str) -> str:
    """The token string stored for one field: words and CJK bigrams in order, then the joined
    forms of hyphenated words ("t-shirt" -> "tshirt") at the end, where they break no phrase."""
    tokens: list[str] = []
    joined: list[str] = []
    for text in texts:
        if not text:
            continue
        norm = normalise(text)
        for word in _WORD.findall(norm):
            tokens.extend(tokens_of_word(word[:MAX_WORD_LENGTH]))
        for match in _JOINED.findall(norm):
            joined.append(re.sub(rf"[-{_APOSTROPHES}]", "", match)[:MAX_WORD_LENGTH])
    return " ".join(tokens + joined)


def vocabulary_words(token_text: str) -> set[str]:
    """The Latin words of a token string (CJK bigrams are not corrected or stemmed)."""
    return {t for t in token_text.split() if not is_cjk(t) and not t.isdigit() and len(t) > 1}


# --- Queries --------------------------------------------------------------------------------------
@dataclass
class Clause:
    """One thing every hit must contain: a word (any of its `alternatives`, or any word starting
    with `prefix`) or, when `phrase` is set, those tokens next to each other."""

    word: str = ""
    phrase: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    prefix: str = ""
    corrected: str = ""  # the vocabulary word a misspelt word was taken for
    # Other ways to say it, from the synonym list (search/synonyms.py): a hit may contain one of
    # these instead. A word with synonyms is matched in its own forms only (see `exact`).
    synonyms: tuple[Clause, ...] = ()
    # Several words of the synonym list taken together ("running shoes"): a hit contains each
    # (anywhere), or one of the synonyms.
    parts: tuple[Clause, ...] = ()
    # Matched as written and in its plural or singular, never through its stem ("comforter" is
    # not "comfort") nor as a typo: a word of the synonym list.
    exact: bool = False

    @property
    def is_phrase(self) -> bool:
        return bool(self.phrase)

    @property
    def is_cjk(self) -> bool:
        return not self.phrase and not self.parts and is_cjk(self.word)


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    # The words as the shopper typed them (for highlighting and did-you-mean).
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.clauses


def parse(text: str) -> ParsedQuery:
    """Words and "quoted phrases". Every other character (operators of any query syntax) only
    separates words. Stop words are dropped outside phrases unless nothing else is left."""
    norm = normalise(text)
    clauses: list[Clause] = []
    parts = norm.split('"')
    # An unbalanced quote: the text after it is not a phrase.
    if len(parts) % 2 == 0:
        parts = [*parts[:-2], parts[-2] + " " + parts[-1]]
    stop_clauses: list[Clause] = []
    for index, part in enumerate(parts):
        found = _WORD.findall(part)
        if not found:
            continue
        if index % 2 == 1 and (len(found) > 1 or is_cjk(found[0])):
            phrase = tuple(t for w in found for t in tokens_of_word(w[:MAX_WORD_LENGTH]))
            clauses.append(Clause(word=" ".join(found), phrase=phrase))
            continue
        for word in found:
            word = word[:MAX_WORD_LENGTH]
            clause = Clause(word=word)
            (stop_clauses if word in STOP_WORDS else clauses).append(clause)
    if not clauses:
        clauses = stop_clauses
    seen: set[tuple] = set()
    unique = []
    for clause in clauses:
        key = (clause.word, clause.phrase)
        if key not in seen:
            seen.add(key)
            unique.append(clause)
    return ParsedQuery(clauses=unique[:MAX_CLAUSES], text=norm)


def max_typo_distance(word: str) -> int:
    """Edits allowed between a query word and the vocabulary word it is taken for."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2


def trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]
