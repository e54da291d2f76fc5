"""Chinese words for search: a segmenter with the shop's own dictionary, pinyin keys, and the
product words mined from the catalog's names. Plain Python, no Django.

- `Segmenter` splits a run of Chinese characters into words with jieba's dictionary plus the
  shop's words, HMM off, so a text is always split the same way (no guessed words that change
  with the text around them). Documents are indexed in search mode (`index_words`: each word and
  the dictionary words inside it, 蓝牙耳机 -> 蓝牙 耳机 蓝牙耳机), queries are cut plainly
  (`query_words`), so a query word is one indexed word.
- `pinyin_key` / `initials_key`: a word's pinyin without tones, joined (蓝牙 -> "lanya"), and its
  initials ("ly"), the keys pinyin queries and homophone typos are looked up by.
- `dictionary_words`: the words a rebuild adds to the segmenter's dictionary: the shipped
  glossary (data/zh_words.txt), category and brand names, and the head nouns many product names
  end with (`head_nouns`).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import rjieba
from pypinyin import lazy_pinyin

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{CJK}]+")
# What joins two names in one category name ("T恤与上衣").
_CONNECTORS = re.compile("[与和及、]")

GLOSSARY = Path(__file__).parent / "data" / "zh_words.txt"

# The longest word the dictionary takes from a name (longer runs are phrases, not words).
MAX_WORD = 6

# A head noun becomes a dictionary word when at least this many product names end with it.
HEAD_MIN_NAMES = 3


class Segmenter:
    """jieba's dictionary plus `words` (the shop's), HMM off."""

    def __init__(self, words: Iterable[str] = ()):
        self.words = frozenset(w for w in words if len(w) > 1 and _RUN.fullmatch(w))
        self._jieba = rjieba.Jieba()
        for word in sorted(self.words):
            self._jieba.add_word(word, None, None)
        self._lock = threading.Lock()

    def query_words(self, run: str) -> list[str]:
        """The words of a run of Chinese characters, as a query reads them."""
        with self._lock:
            return [w for w in self._jieba.cut(run, False) if w.strip()]

    def index_words(self, run: str) -> list[str]:
        """The words of a run as a document is indexed: each word of `query_words`, preceded by
        the dictionary words inside it, so a query for 耳机 finds 蓝牙耳机."""
        found: list[str] = []
        with self._lock:
            for word in self._jieba.cut(run, False):
                if not word.strip():
                    continue
                if len(word) > 2:
                    inner = [w for w in self._jieba.cut_for_search(word, False) if w != word]
                    inner += [p for p in _inner(word) if p in self.words and p not in inner]
                    found.extend(inner)
                found.append(word)
        return found


def _inner(word: str) -> list[str]:
    """The pieces of two or more characters inside `word`, shorter than it."""
    size = len(word)
    return [word[i:j] for i in range(size) for j in range(i + 2, size + 1) if j - i < size]


def pinyin_key(word: str) -> str:
    """The word's pinyin without tones, joined: 蓝牙 -> "lanya" (ü is written v)."""
    return "".join(lazy_pinyin(word))


def initials_key(word: str) -> str:
    """The first letter of each syllable: 蓝牙耳机 -> "lyej"."""
    return "".join(s[0] for s in lazy_pinyin(word) if s)


def runs(text: str) -> list[str]:
    return _RUN.findall(text or "")


def glossary() -> list[str]:
    """The shipped glossary's words."""
    words: list[str] = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.extend(line.split())
    return words


def name_words(names: Iterable[str]) -> set[str]:
    """The words of category or brand names: each run of Chinese characters, split at the
    characters that join two names in one ("T恤与上衣" -> "上衣")."""
    found = set()
    for name in names:
        for part in _CONNECTORS.split(name or ""):
            found.update(r for r in runs(part) if 1 < len(r) <= MAX_WORD)
    return found


def head_nouns(names: Iterable[str], segmenter: Segmenter) -> set[str]:
    """What many product names say the product is: the last word of each name's last run of
    Chinese characters, as `segmenter` cuts it, joined to the word before when it is a single
    character (防滑瑜伽垫 -> 瑜伽 垫 -> 瑜伽垫; 按摩筋膜枪 -> 筋膜枪), kept when at least
    HEAD_MIN_NAMES names end with it."""
    counts: Counter[str] = Counter()
    for name in names:
        last = [r for r in runs(name) if len(r) > 1]
        if not last:
            continue
        words = segmenter.query_words(last[-1])
        head = words[-1]
        if len(head) == 1 and len(words) > 1:
            head = words[-2] + head
        if 1 < len(head) <= MAX_WORD:
            counts[head] += 1
    return {head for head, n in counts.items() if n >= HEAD_MIN_NAMES}


def dictionary_words(
    *,
    categories: Iterable[str],
    brands: Iterable[str],
    products: Iterable[str],
    synonyms: Iterable[str] = (),
) -> list[str]:
    """The sorted words a rebuild stores for the segmenter: the glossary, category and brand
    names, the Chinese terms of the synonym list (so a query and a document keep them whole),
    and the head nouns of the product names (as a segmenter of the others cuts them)."""
    words = set(glossary()) | name_words(categories) | name_words(brands)
    words |= {w for term in synonyms for w in _RUN.findall(term)}
    words |= head_nouns(products, Segmenter(words))
    return sorted(w for w in words if 1 < len(w) <= MAX_WORD and _RUN.fullmatch(w))


def version_of(words: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(words).encode()).hexdigest()


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The segmenter of an index never rebuilt: the glossary's words only."""
    return Segmenter(glossary())


class SegmenterCache:
    """One segmenter per process, built again when the dictionary's version changes (building
    one loads jieba's dictionary: most of a second)."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._segmenter: Segmenter | None = None
        self._lock = threading.Lock()

    def get(self, version: str, load_words: Callable[[], list[str]]) -> Segmenter:
        """The segmenter of `version` ("": no stored dictionary, the default one);
        `load_words` is called only when the version is new to this process."""
        if not version:
            return default_segmenter()
        with self._lock:
            if self._version != version or self._segmenter is None:
                self._segmenter = Segmenter(load_words())
                self._version = version
            return self._segmenter
