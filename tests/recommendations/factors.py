"""A live model version with hand-made item factors on disk, for tests of what serving does with
them (see the `clusters` fixture in conftest)."""

from datetime import timedelta

import numpy as np
from django.utils import timezone

from recommendations import als
from recommendations.models import ModelVersion, VersionStatus
from recommendations.services.serving import model_version_publish


def factors_for(shoes, socks) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([p.pk for p in [*shoes, *socks]], dtype=np.int64)
    factors = np.array(
        [[1.0, 0.02 * i] for i in range(len(shoes))] + [[0.02 * i, 1.0] for i in range(len(socks))],
        dtype=np.float32,
    )
    return ids, factors


class Factors:
    """What als.save_model reads of a fitted model."""

    def __init__(self, item_factors, users: int = 1):
        self.item_factors = item_factors
        self.user_factors = np.zeros((users, item_factors.shape[1]), dtype=np.float32)


def live_model(
    shoes, socks, *, trained_until=None, data_until: float = 0.0, factors=None, user_ids=(0,)
) -> ModelVersion:
    """A live version whose model files hold `factors` (by default the two clusters')."""
    ids, default = factors_for(shoes, socks)
    item_factors = default if factors is None else factors
    version = ModelVersion.objects.create(
        status=VersionStatus.TRAINING,
        trained_until=trained_until or timezone.now() + timedelta(hours=1),
        params={"factors": int(item_factors.shape[1])},
        metrics={"data_until": data_until} if data_until else {},
        trending={"all": [p.pk for p in [*shoes, *socks]], "by_category": {}},
    )
    users = np.asarray(user_ids, dtype=np.int64)
    als.save_model(
        Factors(item_factors, len(users)), version.directory, user_ids=users, product_ids=ids
    )
    return model_version_publish(version=version)
