"""Text normalisation and tokens shared by the intent classifier and FAQ retrieval.

`normalise` folds full-width forms to half-width (NFKC: full-width letters, digits and
punctuation become their ASCII forms), lowercases,
and replaces what must not become vocabulary by placeholder tokens: e-mail addresses (EMAIL),
order numbers (ORDERNO: 12 letters and digits, at least one of each) and
other numbers (NUM). A model trained on "where is 7KQ3M9XA2D4F" then reads "where is
H2M4P8R6T1VW" the same way, and a shopper's e-mail address never weighs on the intent.

`words` cuts Chinese runs with jieba (rjieba) and English runs on word boundaries, so one
sentence mixing both ("iphone 15 手机壳有货吗") gives the words of each.
"""

from __future__ import annotations

import re
import unicodedata

import rjieba

EMAIL = "zzemail"
ORDERNO = "zzorder"
NUM = "zznum"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Order numbers are 12 characters of Crockford's base32 (orders.numbers); any letter is taken
# here, either case, since a shopper may type O for 0 or L for 1.
_ORDER = re.compile(r"(?<![A-Za-z0-9])[0-9A-Za-z]{12}(?![A-Za-z0-9])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
_SPACES = re.compile(r"\s+")


def _order_token(match: re.Match) -> str:
    token = match.group(0)
    has_digit = any(c.isdigit() for c in token)
    has_letter = any(c.isalpha() for c in token)
    return f" {ORDERNO} " if has_digit and has_letter else token


def normalise(text: str) -> str:
    """The text as the models read it: half-width, lower case, placeholders, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _EMAIL.sub(f" {EMAIL} ", text)
    text = _ORDER.sub(_order_token, text)
    text = _NUMBER.sub(f" {NUM} ", text)
    text = text.lower()
    return _SPACES.sub(" ", text).strip()


def words(normalised: str) -> list[str]:
    """Word tokens of a normalised text: jieba words for Chinese runs, letters-only words and the
    placeholders for the rest. Punctuation is dropped."""
    tokens: list[str] = []
    position = 0
    for han in _HAN_RUN.finditer(normalised):
        tokens.extend(_LATIN_WORD.findall(normalised[position : han.start()]))
        tokens.extend(word for word in rjieba.cut(han.group(0)) if word.strip())
        position = han.end()
    tokens.extend(_LATIN_WORD.findall(normalised[position:]))
    return tokens


def han_bigrams(normalised: str) -> list[str]:
    """Overlapping pairs of Chinese characters: they catch words jieba cuts differently in two
    phrasings of one question (到哪了 / 到哪里了)."""
    grams: list[str] = []
    for han in _HAN_RUN.finditer(normalised):
        run = han.group(0)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams
