"""Row locks of the recommender (select_for_update), taken in one order: the version being
published first, then the live one(s). Such a transaction locks nothing else (the project's lock
order: docs/architecture.md, "The lock order")."""

from __future__ import annotations

from .models import ModelVersion


def model_version_lock(*, pk: int) -> ModelVersion:
    """Lock one model version's row (inside a transaction)."""
    return ModelVersion.objects.select_for_update().get(pk=pk)


def live_versions_lock() -> list[ModelVersion]:
    """Lock the live version's row (at most one, by constraint), by pk."""
    return list(ModelVersion.objects.select_for_update().filter(is_live=True).order_by("pk"))
