"""FAQ retrieval: rank the shop's FAQ entries for a shopper's question by BM25 over every way
each entry is asked (its question and variants), and answer with the best entry if it clears a
threshold.

Tokens come from the classifier's normalisation (support.nlu.text): English words, Chinese
jieba words plus character pairs (so 发票 matches in 开发票 and 能开发票吗 alike), function words
dropped. BM25's raw score grows with the length of the question, so it is divided by what the
question scores against itself (each of its terms matched once): the score is then about the
share, 0..1, of the question's weighted terms the entry matches, and one threshold (per
language) fits short and long questions. A term no entry uses counts at the highest weight, so
a question mostly about something else scores low.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .language import detect_language
from .text import EMAIL, NUM, ORDERNO, han_bigrams, normalise, words

# The score an entry needs to answer. Chinese scores run lower (character pairs across word
# boundaries never match), so its bar is lower; both were set on the shipped FAQ by asking it
# questions phrased unlike its variants and questions it cannot answer (tests/support).
THRESHOLDS = {"en": 0.4, "zh-hans": 0.28}
THRESHOLD = 0.4
K1 = 1.2
B = 0.75

_STOP = """a an the i me my we our you your it its is are was were be been am do does did can could
    would will shall should may might to of in on at for with from by about as and or but if so
    this that these those there here what which who whom how when where why please pls plz hi
    hello hey thanks thank just any some have has had get got im i'm i'd i'll u ur yo ok
    吗 呢 吧 啊 呀 的 了 是 我 你 您 我们 你们 亲 请问 请 一下 下 么 嘛 哦 在 有 怎么 什么 如何
    可以 能 能不能 可不可以 要 想 问 问下 请教"""
STOP_WORDS = frozenset(_STOP.split()) | {EMAIL, NUM, ORDERNO}


# Character pairs of Chinese weigh half a word: they repair jieba's cuts, but the pairs that
# straddle two words are noise.
PAIR_WEIGHT = 0.5


def _stem(word: str) -> str:
    """A light English stemmer (returns/return, shoes/shoe, boxes/box, shipping/ship): enough
    for matching a question against a few hundred others."""
    if len(word) <= 3 or not word.isascii():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def threshold_for(language: str) -> float:
    return THRESHOLDS.get(language, THRESHOLD)


def terms(text: str) -> list[str]:
    """The terms a question is matched by: stemmed English words and Chinese words, without
    function words, plus Chinese character pairs (prefixed "h:")."""
    normalised = normalise(text)
    tokens = [_stem(t) for t in words(normalised) if t not in STOP_WORDS]
    tokens.extend(f"h:{gram}" for gram in han_bigrams(normalised))
    return tokens


def _weight(term: str) -> float:
    return PAIR_WEIGHT if term.startswith("h:") else 1.0


@dataclass(frozen=True)
class FaqDocument:
    id: int
    language: str
    questions: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class FaqHit:
    """The entry that answers: its id, the question or variant that matched best, its answer,
    and the score (0..1)."""

    entry_id: int
    question: str
    answer: str
    score: float


class FaqIndex:
    """BM25 over the questions of the entries of one or more languages."""

    def __init__(self, documents: Iterable[FaqDocument]) -> None:
        self.documents = list(documents)
        # One row per way of asking: (document index, question text, its term counts).
        self.rows: list[tuple[int, str, Counter, int]] = []
        frequency: Counter = Counter()
        for position, document in enumerate(self.documents):
            for question in document.questions:
                counts = Counter(terms(question))
                if counts:
                    self.rows.append((position, question, counts, sum(counts.values())))
                    frequency.update(counts.keys())
        count = len(self.rows)
        self.average_length = (sum(row[3] for row in self.rows) / count) if count else 1.0
        self.idf = {
            term: math.log(1 + (count - seen + 0.5) / (seen + 0.5))
            for term, seen in frequency.items()
        }
        self.unseen_idf = math.log(1 + (count + 0.5) / 0.5) if count else 1.0

    def __len__(self) -> int:
        return len(self.documents)

    def ranked(self, question: str, *, language: str | None = None) -> list[FaqHit]:
        """Every entry that shares a term with the question (of `language` if given), best
        first, each scored by its best-matching way of asking."""
        query = Counter(terms(question))
        if not query or not self.rows:
            return []
        # A term matched once in a question of average length scores its idf: the most a
        # question of the query's terms scores is the sum of their idfs.
        most = sum(_weight(term) * self.idf.get(term, self.unseen_idf) for term in query)
        best: dict[int, tuple[float, str]] = {}
        for position, text, counts, length in self.rows:
            document = self.documents[position]
            if language and document.language != language:
                continue
            norm = K1 * (1 - B + B * length / self.average_length)
            score = 0.0
            for term in query:
                tf = counts.get(term)
                if tf:
                    score += _weight(term) * self.idf[term] * tf * (K1 + 1) / (tf + norm)
            if score and score > best.get(position, (0.0, ""))[0]:
                best[position] = (score, text)
        # Ranked by the raw score (a short question matching every term outranks a long one that
        # does too), reported capped at 1.
        ordered = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        return [
            FaqHit(
                entry_id=self.documents[position].id,
                question=text,
                answer=self.documents[position].answer,
                score=min(1.0, score / most),
            )
            for position, (score, text) in ordered
        ]

    def best(
        self, question: str, *, language: str | None = None, threshold: float | None = None
    ) -> FaqHit | None:
        """The best entry if its score clears the threshold (the language's unless given),
        else None."""
        if threshold is None:
            threshold = threshold_for(language or detect_language(question))
        hits = self.ranked(question, language=language)
        if hits and hits[0].score >= threshold:
            return hits[0]
        return None


def faq_documents(rows: Sequence[dict]) -> list[FaqDocument]:
    """FaqDocuments from dicts with id, language, question, variants (list or lines), answer."""
    documents = []
    for row in rows:
        variants = row.get("variants") or []
        if isinstance(variants, str):
            variants = variants.splitlines()
        questions = tuple(q.strip() for q in [row["question"], *variants] if q and q.strip())
        documents.append(
            FaqDocument(
                id=row["id"], language=row["language"], questions=questions, answer=row["answer"]
            )
        )
    return documents
