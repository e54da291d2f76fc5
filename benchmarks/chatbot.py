"""Support assistant benchmark: the intent classifier's accuracy and macro-F1 per language on the
shipped test set (support/data/intents/test.jsonl, written apart from the training sentences),
training time, and in-process latency of reading one message and of FAQ retrieval (warm,
p50/p95), with baselines trained and scored in the same run:

- majority: always the most frequent intent of the training set;
- plain TF-IDF: scikit-learn's default word tokeniser (no Chinese segmentation, no character
  n-grams, no placeholders) with the same logistic regression;
- characters only: the production character n-grams without the word features.

Needs no database (support.nlu imports no Django).

    .venv/bin/python benchmarks/chatbot.py [--train FILE] [--test FILE] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from support.nlu.classifier import IntentClassifier  # noqa: E402
from support.nlu.evaluation import (  # noqa: E402
    classifier_fit,
    examples_read,
    scores_by_language,
)
from support.nlu.faq import FaqIndex, faq_documents  # noqa: E402
from support.nlu.text import normalise  # noqa: E402

DATA = ROOT / "support" / "data"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def row(name: str, examples, predicted) -> str:
    overall, by_language = scores_by_language(examples, predicted)
    cells = [f"{name:<40}", f"{overall.accuracy:>8.3f}", f"{overall.macro_f1:>8.3f}"]
    for lang in ("en", "zh-hans"):
        scores = by_language.get(lang)
        cells += [f"{scores.accuracy:>8.3f}", f"{scores.macro_f1:>8.3f}"] if scores else ["", ""]
    return " ".join(cells)


def baseline(pipeline: Pipeline, train, test, *, prepare=lambda text: text) -> list[str]:
    pipeline.fit([prepare(e.text) for e in train], [e.intent for e in train])
    return list(pipeline.predict([prepare(e.text) for e in test]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default=str(DATA / "intents" / "train.jsonl"))
    parser.add_argument("--test", default=str(DATA / "intents" / "test.jsonl"))
    parser.add_argument("--faq", default=str(DATA / "faq.jsonl"))
    parser.add_argument("--repeat", type=int, default=3, help="Passes over the test set timed.")
    args = parser.parse_args()

    train, test = examples_read(args.train), examples_read(args.test)
    counts = Counter(e.lang for e in train)
    print(
        f"train: {len(train)} examples ({dict(counts)}), test: {len(test)} "
        f"({dict(Counter(e.lang for e in test))})"
    )

    started = time.perf_counter()
    classifier, metrics = classifier_fit(train)
    with_cv = time.perf_counter() - started
    started = time.perf_counter()
    IntentClassifier(threshold=classifier.threshold).fit(
        [e.text for e in train], [e.intent for e in train]
    )
    fit_only = time.perf_counter() - started
    print(
        f"training: {with_cv:.1f} s with 5-fold cross-validation and threshold, "
        f"{fit_only:.1f} s for the fit alone; threshold {classifier.threshold:.3f} "
        f"{metrics['threshold_tradeoff']}"
    )
    cv = metrics["cross_validated"]
    print(
        f"cross-validated on train: macro-F1 en {cv['en']['macro_f1']:.3f}, "
        f"zh-hans {cv['zh-hans']['macro_f1']:.3f}"
    )

    print()
    print(
        f"{'test set':<40} {'acc':>8} {'macro-F1':>8} {'en acc':>8} {'en F1':>8} "
        f"{'zh acc':>8} {'zh F1':>8}"
    )
    predicted = classifier.predict_many([e.text for e in test])
    print(row("production (chars + English words, LR)", test, predicted))
    majority = Counter(e.intent for e in train).most_common(1)[0][0]
    print(row("baseline: majority intent", test, [majority] * len(test)))
    plain = Pipeline(
        [("tfidf", TfidfVectorizer()), ("model", LogisticRegression(C=10, max_iter=3000))]
    )
    print(row("baseline: plain TF-IDF words, LR", test, baseline(plain, train, test)))
    chars = Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)),
            ("model", LogisticRegression(C=10, max_iter=3000)),
        ]
    )
    print(
        row(
            "baseline: characters only, LR",
            test,
            baseline(chars, train, test, prepare=normalise),
        )
    )
    unsure = sum(classifier.predict(e.text).unsure for e in test)
    print(f"test messages below the threshold (asked to rephrase): {unsure}/{len(test)}")

    # Latency: one message at a time, as the assistant reads them, after a warm-up.
    texts = [e.text for e in test]
    for text in texts[:20]:
        classifier.predict(text)
    timings = []
    for _ in range(args.repeat):
        for text in texts:
            started = time.perf_counter()
            classifier.predict(text)
            timings.append((time.perf_counter() - started) * 1000)
    print()
    print(
        f"classify one message: p50 {percentile(timings, 0.5):.2f} ms, "
        f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms "
        f"({len(timings)} readings)"
    )

    rows = [
        {**line, "id": number} for number, line in enumerate(_faq_rows(Path(args.faq)), start=1)
    ]
    index = FaqIndex(faq_documents(rows))
    timings = []
    for _ in range(args.repeat):
        for example in test:
            started = time.perf_counter()
            index.best(example.text, language=example.lang)
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"FAQ retrieval ({len(index)} entries): p50 {percentile(timings, 0.5):.2f} ms, "
        f"p95 {percentile(timings, 0.95):.2f} ms"
    )
    print(f"model size: {len(classifier.dumps()) / 1e6:.1f} MB serialised")


def _faq_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


if __name__ == "__main__":
    main()
