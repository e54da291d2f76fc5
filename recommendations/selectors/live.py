"""The live model version as serving sees it (one cache entry), and its loaded factors."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from .. import als
from ..models import (
    InteractionKind,
    ModelVersion,
)
from ..store import LIVE_CACHE_KEY

log = logging.getLogger(__name__)

VIEW_KINDS = (InteractionKind.VIEW, InteractionKind.SEARCH_CLICK)


@dataclass(frozen=True)
class LiveVersion:
    id: int
    trained_until: datetime
    params: dict
    trending: dict
    # the newest interaction the version was trained on (epoch seconds; 0: not known)
    data_until: float = 0.0

    @property
    def als_params(self) -> als.Params:
        return als.Params(**self.params)


def live_version() -> LiveVersion | None:
    """The live model version's serving data; cached, dropped when another goes live or its
    trending lists are refreshed."""
    value = cache.get(LIVE_CACHE_KEY)
    if value is None:
        version = (
            ModelVersion.objects.filter(is_live=True)
            .only("id", "trained_until", "params", "trending", "metrics")
            .first()
        )
        value = (
            LiveVersion(
                version.id,
                version.trained_until,
                version.params,
                version.trending,
                float(version.metrics.get("data_until") or 0.0),
            )
            if version
            else 0
        )
        cache.set(LIVE_CACHE_KEY, value, 300)
    return value or None


_models: dict[tuple, als.LoadedModel | None] = {}

_models_lock = threading.Lock()


def loaded_model(version: LiveVersion) -> als.LoadedModel | None:
    """The version's factors, read from disk once per process."""
    key = (version.id, version.trained_until)
    if key in _models:
        return _models[key]
    with _models_lock:
        if key not in _models:
            directory = ModelVersion(pk=version.id).directory
            try:
                model = als.load_model(directory, version.als_params)
            except (OSError, ValueError):
                log.warning("model files of version %s are missing in %s", version.id, directory)
                model = None
            # One version at a time: an older one is never served again.
            _models.clear()
            _models[key] = model
    return _models[key]
