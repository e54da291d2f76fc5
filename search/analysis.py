"""Text analysis for the database backends, shared by indexing and querying so both see the
same tokens. Plain Python, no Django.

- Latin text is lower-cased and split into words of letters and digits ("T-Shirt" gives "t",
  "shirt"; the joined "tshirt" is indexed too).
- Chinese has no spaces: every run of CJK characters is split into words by the segmenter of
  the stored dictionary (search/chinese.py), documents in search mode (蓝牙耳机 gives 蓝牙 耳机
  蓝牙耳机), queries plainly (one query word is one indexed word). The overlapping bigrams and
  the characters of the name, brand, category and attribute text are kept only as a fallback
  (`fallback_text`), appended to the description, the field weighted least, and marked
  (FALLBACK_MARK: "x耳机" is no word's token): only a query word that is in no document as a
  word matches them, and finds the products holding its characters in a row.
- Words are stemmed (Snowball, English) only to find the vocabulary's other forms of a query word
  ("shoes" also finds "shoe"); the index keeps the words as written, so prefixes and phrases work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from .chinese import CJK, Segmenter, default_segmenter

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
# Chinese words that say nothing about the product (after segmentation: 穿的 is 穿 + 的).
ZH_STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "跟", "给", "用", "穿", "戴", "适合", "用于", "适用",
     "一个", "一款", "一双", "一件", "我", "我的", "想", "想要", "要", "买", "求", "推荐",
     "什么", "哪个", "有没有", "有", "吗", "呢", "吧", "啊", "款", "的话"]
)  # fmt: skip
MAX_WORD_LENGTH = 64
# Put before a fallback token: a Latin letter joined to Chinese characters is one token to every
# tokenizer (FTS5 unicode61, PostgreSQL's parser), and never a word of any text, which splits
# Latin letters from Chinese characters.
FALLBACK_MARK = "x"
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


def index_text(*texts: str, segmenter: Segmenter | None = None) -> str:
    """The token string stored for one field: Latin words and Chinese words (search mode) in
    order, then the joined forms of hyphenated words ("t-shirt" -> "tshirt") at the end, where
    they break no phrase."""
    segmenter = segmenter or default_segmenter()
    tokens: list[str] = []
    joined: list[str] = []
    for text in texts:
        if not text:
            continue
        norm = normalise(text)
        for word in _WORD.findall(norm):
            if is_cjk(word):
                tokens.extend(w[:MAX_WORD_LENGTH] for w in segmenter.index_words(word))
            else:
                tokens.append(word[:MAX_WORD_LENGTH])
        for match in _JOINED.findall(norm):
            joined.append(re.sub(rf"[-{_APOSTROPHES}]", "", match)[:MAX_WORD_LENGTH])
    return " ".join(tokens + joined)


def chinese_text(*texts: str, segmenter: Segmenter) -> str:
    """Only the Chinese words of `index_text` (for an index that reads Latin words its own
    way)."""
    return " ".join(
        word
        for text in texts
        for run in _WORD.findall(normalise(text))
        if is_cjk(run)
        for word in segmenter.index_words(run)
    )


def fallback_text(*texts: str) -> str:
    """The fallback tokens of Chinese text: the bigrams of each run in order (so a query word's
    bigrams can be matched as a phrase), then its single characters, each marked."""
    grams: list[str] = []
    characters: list[str] = []
    for text in texts:
        for run in _WORD.findall(normalise(text)):
            if is_cjk(run):
                if len(run) > 1:
                    grams.extend(bigrams(run))
                characters.extend(run)
    return " ".join(fallback_token(t) for t in grams + characters)


def fallback_token(piece: str) -> str:
    return FALLBACK_MARK + piece


def vocabulary_words(token_text: str) -> set[str]:
    """The Latin words of a token string (the ones stemmed and corrected)."""
    return {t for t in token_text.split() if t.isascii() and not t.isdigit() and len(t) > 1}


def chinese_words(token_text: str) -> set[str]:
    """The Chinese words of a token string (not its fallback tokens)."""
    return {t for t in token_text.split() if is_cjk(t)}


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
    # A Chinese word: which run of Chinese characters of the query it was cut from (so a run
    # split into pieces by a typo can be read whole again).
    run: int = -1
    # Matched in the product's name only: the last of the words one typed word was read as
    # (蓝牙耳机 in no document: 蓝牙 anywhere, 耳机 in the name; the product is what it names).
    name_only: bool = False

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


def parse(text: str, segmenter: Segmenter | None = None) -> ParsedQuery:
    """Words and "quoted phrases". Every other character (operators of any query syntax) only
    separates words; Chinese is split into words by `segmenter`. Stop words are dropped outside
    phrases unless nothing else is left."""
    segmenter = segmenter or default_segmenter()
    norm = normalise(text)
    clauses: list[Clause] = []
    parts = norm.split('"')
    # An unbalanced quote: the text after it is not a phrase.
    if len(parts) % 2 == 0:
        parts = [*parts[:-2], parts[-2] + " " + parts[-1]]
    stop_clauses: list[Clause] = []
    run = 0
    for index, part in enumerate(parts):
        found = _WORD.findall(part)
        if not found:
            continue
        if index % 2 == 1:
            pieces = [w for f in found for w in _query_pieces(f, segmenter)]
            if len(pieces) > 1:
                clauses.append(Clause(word=" ".join(found), phrase=tuple(pieces)))
                continue
        for word in found:
            if is_cjk(word):
                for piece in _query_pieces(word, segmenter):
                    clause = Clause(word=piece, run=run)
                    (stop_clauses if piece in ZH_STOP_WORDS else clauses).append(clause)
                run += 1
                continue
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


def _query_pieces(word: str, segmenter: Segmenter) -> list[str]:
    if is_cjk(word):
        return [w[:MAX_WORD_LENGTH] for w in segmenter.query_words(word)]
    return [word[:MAX_WORD_LENGTH]]


def max_typo_distance(word: str) -> int:
    """Edits allowed between a query word and the vocabulary word it is taken for."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2


def trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]
