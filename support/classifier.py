"""The assistant's intent classifier as the rest of the app sees it: `classify(text)` with the
live trained version (support.training trains and publishes versions).

Serving: each process keeps the live version it loaded. Per message it reads the live version's
key (id and finishing time) from the shared cache (one cache read; on a miss, one indexed query,
cached for a minute) and loads the new version's model when the key changed. With Redis the
change is seen at once (the publish sets the key); with the per-process cache of a laptop,
within a minute.

With no live version (a fresh install, tests) the process fits a model in memory from the
shipped examples, once, and serves it (it is not saved; `manage.py train_chatbot` or seed_demo
trains and publishes one), so the assistant always understands. That first fit takes a few
seconds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from django.core.cache import cache

from .nlu.classifier import IntentClassifier

log = logging.getLogger(__name__)

# The threshold of the in-memory fallback model: what choose_threshold gives on the shipped
# examples (support.training records the measured value with every trained version).
FALLBACK_THRESHOLD = 0.3


@dataclass(frozen=True)
class Prediction:
    intent: str  # one of support.nlu.intents.INTENTS
    confidence: float  # the classifier's probability for it, 0..1
    # True when the confidence is below the live version's threshold: ask to rephrase.
    unsure: bool = False
    # The best few (intent, probability), best first.
    ranked: tuple[tuple[str, float], ...] = field(default_factory=tuple)


class _Served:
    """What this process serves: the version id (0 for the shipped fallback) and its model."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: str | None = None
        self.version_id = 0
        self.classifier: IntentClassifier | None = None
        self.fallback: IntentClassifier | None = None


_served = _Served()


def live_version_key() -> str:
    """The live version as "<id>@<finished>" ("" when there is none): from the shared cache,
    else one indexed query. The finishing time makes the key unique even where a restored
    database hands out an id again."""
    from .training import LIVE_CACHE_KEY, LIVE_CACHE_SECONDS, classifier_version_key

    key = cache.get(LIVE_CACHE_KEY)
    if key is None:
        key = classifier_version_key()
        cache.set(LIVE_CACHE_KEY, key, LIVE_CACHE_SECONDS)
    return key


def _fallback() -> IntentClassifier:
    if _served.fallback is None:
        from .nlu.evaluation import examples_read
        from .training import SHIPPED_TRAIN

        examples = examples_read(SHIPPED_TRAIN)
        log.info("No live classifier version: fitting one from the shipped examples.")
        _served.fallback = IntentClassifier(threshold=FALLBACK_THRESHOLD).fit(
            [e.text for e in examples], [e.intent for e in examples]
        )
    return _served.fallback


def live_classifier() -> tuple[int, IntentClassifier]:
    """(version id, classifier) this process serves now, loading a newly live version. Version
    id 0 is the shipped fallback."""
    from .models import ClassifierVersion

    key = live_version_key()
    if key == _served.key and _served.classifier is not None:
        return _served.version_id, _served.classifier
    with _served.lock:
        if key != _served.key or _served.classifier is None:
            version_id = int(key.split("@", 1)[0]) if key else 0
            classifier = None
            if version_id:
                versions = ClassifierVersion.objects.filter(pk=version_id)
                data = versions.values_list("model", flat=True).first()
                try:
                    classifier = IntentClassifier.loads(bytes(data)) if data else None
                except (ValueError, TypeError, AttributeError, ImportError) as error:
                    log.error("Classifier version %s cannot be read: %s", version_id, error)
            if classifier is None:
                version_id, classifier = 0, _fallback()
            _served.key, _served.version_id, _served.classifier = key, version_id, classifier
        return _served.version_id, _served.classifier


def classify(text: str, *, language: str | None = None) -> Prediction:
    """The live version's reading of one message. One model reads both languages, so `language`
    is not needed (kept for callers that know it). An empty message is out of scope, unsure."""
    if not text or not text.strip():
        return Prediction(intent="out_of_scope", confidence=0.0, unsure=True)
    _, classifier = live_classifier()
    reading = classifier.predict(text)
    return Prediction(
        intent=reading.intent,
        confidence=reading.confidence,
        unsure=reading.unsure,
        ranked=reading.ranked,
    )
