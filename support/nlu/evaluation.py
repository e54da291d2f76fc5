"""Labelled example files, scores and the confidence threshold: what training, the evaluate
command and the benchmark share."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from .classifier import IntentClassifier
from .intents import INTENTS
from .language import detect_language

LANGUAGES = ("en", "zh-hans")


# Other spellings of the two languages a labelled file may use.
_LANGUAGE_ALIASES = {
    "en": "en", "en-us": "en", "en-gb": "en", "english": "en",
    "zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans",
    "zh-hans-cn": "zh-hans", "cn": "zh-hans", "chinese": "zh-hans",
}  # fmt: skip


class ExampleFileError(ValueError):
    """A labelled file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    lang: str


def examples_read(path: str | Path) -> list[Example]:
    """Lines of {"text": ..., "intent": ..., "lang": ...}; `lang` may be left out (detected
    from the text). Blank lines are skipped; anything else wrong raises ExampleFileError naming
    the line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ExampleFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExampleFileError(f"{path}: cannot be read ({error})") from None
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ExampleFileError(f"{path}, line {number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict):
            raise ExampleFileError(f"{path}, line {number}: not a JSON object")
        text, intent = row.get("text"), row.get("intent")
        if not isinstance(text, str) or not text.strip():
            raise ExampleFileError(f"{path}, line {number}: no text")
        if intent not in INTENTS:
            raise ExampleFileError(f"{path}, line {number}: unknown intent {intent!r}")
        lang = row.get("lang") or detect_language(text)
        lang = _LANGUAGE_ALIASES.get(str(lang).lower().replace("_", "-"), lang)
        if lang not in LANGUAGES:
            raise ExampleFileError(f"{path}, line {number}: unknown language {lang!r}")
        examples.append(Example(text=text.strip(), intent=intent, lang=lang))
    if not examples:
        raise ExampleFileError(f"{path}: no examples")
    return examples


@dataclass
class Scores:
    count: int
    accuracy: float
    macro_f1: float
    # intent -> (precision, recall, f1, support)
    per_intent: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    # (true, predicted, count), most frequent first
    confused: list[tuple[str, str, int]] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "count": self.count,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
        }


def scores(truth: Sequence[str], predicted: Sequence[str], *, confused: int = 10) -> Scores:
    """Accuracy, macro-F1 over the intents present in the truth, per-intent precision, recall
    and F1, and the most frequent (true, predicted) mistakes."""
    labels = [intent for intent in INTENTS if intent in set(truth)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    mistakes = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return Scores(
        count=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        per_intent={
            label: (float(p), float(r), float(f), int(s))
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        confused=[(t, p, n) for (t, p), n in mistakes.most_common(confused)],
    )


def scores_by_language(
    examples: Sequence[Example], predicted: Sequence[str]
) -> tuple[Scores, dict[str, Scores]]:
    """Scores over all examples, and per language present."""
    overall = scores([e.intent for e in examples], predicted)
    by_language = {}
    for lang in LANGUAGES:
        picked = [i for i, e in enumerate(examples) if e.lang == lang]
        if picked:
            by_language[lang] = scores(
                [examples[i].intent for i in picked], [predicted[i] for i in picked]
            )
    return overall, by_language


def cross_validated(
    make: Callable[[], object],
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
) -> tuple[list[str], np.ndarray, list[str]]:
    """Out-of-fold predictions and probabilities: each example read by a model that did not see
    it. `make()` returns an unfitted IntentClassifier. Returns (predicted, probabilities,
    classes). Folds shrink to the rarest intent's count (at least 2)."""
    labels = list(labels)
    rarest = min(Counter(labels).values())
    folds = max(2, min(folds, rarest))
    classes = sorted(set(labels))
    probabilities = np.zeros((len(texts), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, held in splitter.split(np.zeros(len(labels)), labels):
        model = make().fit([texts[i] for i in train], [labels[i] for i in train])
        fold = model.probabilities([texts[i] for i in held])
        columns = [classes.index(label) for label in model.labels]
        probabilities[np.ix_(held, columns)] = fold
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    return predicted, probabilities, classes


def choose_threshold(
    probabilities: np.ndarray,
    classes: Sequence[str],
    labels: Sequence[str],
    *,
    max_right_doubted: float = 0.05,
) -> float:
    """The confidence below which the assistant asks to rephrase, from out-of-fold readings.

    Asking to rephrase costs a shopper one turn when the reading was right, and saves a wrong
    action when it was wrong. The threshold is the highest one that doubts at most
    `max_right_doubted` (5%) of the right readings; with the shipped data that catches about
    30% of the wrong ones (the figures are in the version's metrics). Keyboard nonsense falls
    below it (its character n-grams were hardly ever seen); a message without letters of
    either language is doubted whatever its probability (IntentClassifier.predict)."""
    best = probabilities.max(axis=1)
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    right = np.array([p == t for p, t in zip(predicted, labels, strict=True)])
    if not right.any():
        return 0.0
    return float(np.quantile(best[right], max_right_doubted))


def threshold_tradeoff(
    probabilities: np.ndarray, classes: Sequence[str], labels: Sequence[str], threshold: float
) -> dict[str, float]:
    """Share of right readings doubted and of wrong readings caught at `threshold`."""
    best = probabilities.max(axis=1)
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    right = np.array([p == t for p, t in zip(predicted, labels, strict=True)])
    doubted = best < threshold
    return {
        "right_doubted": round(float(doubted[right].mean()) if right.any() else 0.0, 4),
        "wrong_caught": round(float(doubted[~right].mean()) if (~right).any() else 0.0, 4),
    }


def classifier_fit(
    examples: Sequence[Example], *, folds: int = 5, report: Callable[[str], None] | None = None
) -> tuple[IntentClassifier, dict]:
    """Cross-validate (per-language scores, the threshold), then fit on all examples. Returns
    the fitted classifier, its threshold set, and its metrics."""
    texts = [e.text for e in examples]
    labels = [e.intent for e in examples]
    predicted, probabilities, classes = cross_validated(
        IntentClassifier, texts, labels, folds=folds
    )
    overall, by_language = scores_by_language(examples, predicted)
    threshold = choose_threshold(probabilities, classes, labels)
    metrics = {
        "cross_validated": {
            "folds": folds,
            "all": overall.summary(),
            **{lang: s.summary() for lang, s in by_language.items()},
        },
        "threshold": round(threshold, 4),
        "threshold_tradeoff": threshold_tradeoff(probabilities, classes, labels, threshold),
        "per_language_examples": dict(Counter(e.lang for e in examples)),
    }
    if report:
        for lang, s in by_language.items():
            report(
                f"cross-validated {lang}: accuracy {s.accuracy:.3f}, macro-F1 {s.macro_f1:.3f}"
                f" ({s.count} examples)"
            )
        report(f"threshold {threshold:.3f} ({metrics['threshold_tradeoff']})")
    classifier = IntentClassifier(threshold=threshold).fit(texts, labels)
    return classifier, metrics
