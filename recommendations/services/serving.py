"""Publishing a model version and keeping the serving store current: the one live version, its
lists in the shared cache, the results of old versions pruned."""

from __future__ import annotations

import logging
import shutil

from django.core.cache import cache
from django.db import connection, transaction

from ..locks import live_versions_lock, model_version_lock
from ..models import (
    SETTINGS_CACHE_KEY,
    ModelVersion,
    ProductNeighbours,
    UserRecommendation,
    VersionStatus,
)
from ..store import LIST_HASH_SECONDS, LIVE_CACHE_KEY, lists_hash, redis_client, shared_cache
from .lists import ServingLists

log = logging.getLogger(__name__)


# Old versions keep their row (metrics, for the admin) but not their precomputed results.
KEEP_RESULTS = 3


@transaction.atomic
def model_version_publish(*, version: ModelVersion) -> ModelVersion:
    """Make `version` the live one: one transaction retires the previous live version and
    switches this one on (at most one can be live, by constraint)."""
    version = model_version_lock(pk=version.pk)
    if version.is_live:
        return version
    if version.status not in (VersionStatus.TRAINING, VersionStatus.RETIRED):
        raise ValueError(f"version {version.pk} is {version.status}; it cannot go live")
    previous = live_versions_lock()
    for old in previous:
        old.is_live = False
        old.status = VersionStatus.RETIRED
        old.save(update_fields=["is_live", "status", "updated_at"])
    version.is_live = True
    version.status = VersionStatus.LIVE
    version.save(update_fields=["is_live", "status", "updated_at"])
    transaction.on_commit(lambda: cache.delete(LIVE_CACHE_KEY))
    return version


def model_version_cache_results(
    *, version_id: int, lists: ServingLists | None = None, batch: int = 20_000
) -> int:
    """Put a live version's precomputed lists in the shared cache, so that serving reads them
    without a query (it falls back to the tables for any that are missing): one Redis hash per
    kind, filled with HSET in large batches through one pipeline. Read from the tables unless
    given. Returns how many entries were written; none without a shared cache."""
    if not shared_cache():
        return 0
    if lists is None:
        users = UserRecommendation.objects.filter(version_id=version_id).values_list(
            "user_id", "product_ids"
        )
        rows = ProductNeighbours.objects.filter(version_id=version_id).values_list(
            "product_id", "also_bought", "similar"
        )
        top = {u: ",".join(map(str, ids)) for u, ids in users.iterator(chunk_size=10_000)}
        nb = {
            p: ",".join(map(str, also)) + "|" + ",".join(map(str, similar))
            for p, also, similar in rows.iterator(chunk_size=10_000)
        }
    else:
        top = dict(zip(lists.user_ids, lists.user_top, strict=True))
        nb = {
            p: f"{also}|{similar}"
            for p, also, similar in zip(
                lists.products, lists.also_bought, lists.similar, strict=True
            )
        }
    client = redis_client(write=True)
    pipe = client.pipeline(transaction=False)
    for kind, mapping in (("top", top), ("nb", nb)):
        key = lists_hash(kind, version_id)
        pipe.delete(key)
        items = list(mapping.items())
        for start in range(0, len(items), batch):
            pipe.hset(key, mapping=dict(items[start : start + batch]))
        pipe.expire(key, LIST_HASH_SECONDS)
    pipe.execute()
    return len(top) + len(nb)


def model_versions_prune() -> None:
    """Drop the precomputed results (and factors) of all but the newest few and the live one."""
    keep = set(ModelVersion.objects.order_by("-id").values_list("id", flat=True)[:KEEP_RESULTS])
    keep |= set(ModelVersion.objects.filter(is_live=True).values_list("id", flat=True))
    old = list(ModelVersion.objects.exclude(id__in=keep).values_list("id", flat=True))
    if not old:
        return
    # Plain DELETEs: nothing refers to these rows, so no need to load them first.
    with connection.cursor() as cursor:
        for model in (UserRecommendation, ProductNeighbours):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE version_id IN "
                f"({', '.join(['%s'] * len(old))})",
                old,
            )
    if shared_cache():
        redis_client(write=True).delete(
            *[lists_hash(kind, v) for v in old for kind in ("top", "nb")]
        )
    for version_id in old:
        shutil.rmtree(ModelVersion(pk=version_id).directory, ignore_errors=True)


def recommender_settings_changed() -> None:
    cache.delete(SETTINGS_CACHE_KEY)
