"""The assistant's intent classifier as the rest of the app sees it: `classify(text)` with the
live trained version (support.training trains and publishes versions)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prediction:
    intent: str  # one of support.nlu.intents.INTENTS
    confidence: float  # the classifier's probability for it, 0..1
    # True when the confidence is below the live version's threshold: ask to rephrase.
    unsure: bool = False
    # The best few (intent, probability), best first.
    ranked: tuple[tuple[str, float], ...] = field(default_factory=tuple)


def classify(text: str, *, language: str | None = None) -> Prediction:
    """The live version's reading of one message (filled by the NLU work)."""
    raise NotImplementedError("support.classifier.classify: built by the NLU work")
