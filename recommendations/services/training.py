"""One training run end to end, under a lock that only one run at a time can hold. The maths is in
als.py; this module moves data between it and the database."""

from __future__ import annotations

import fcntl
import logging
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import als
from ..models import (
    ModelVersion,
    ProductNeighbours,
    RecommenderSettings,
    TuningRun,
    UserRecommendation,
    VersionStatus,
)
from .content import content_inputs
from .extract import interactions_extract
from .lists import lists_write, serving_lists
from .serving import model_version_cache_results, model_version_publish, model_versions_prune
from .trending import trending_lists
from .tuning import recommender_params

log = logging.getLogger(__name__)


class TrainingUnderWay(DomainError):
    """Another training run holds the training lock."""


@contextmanager
def _training_lock():
    """Held for the whole of a training run: an exclusive lock on a file next to the model
    files. The operating system releases it when the process ends, however it ends, so a run
    killed half-way never blocks the next one, and the holder knows no other run is alive."""
    path = settings.VAR_DIR / "models" / "training.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TrainingUnderWay(_("A training run is already under way.")) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def training_orphans_fail() -> int:
    """Versions left 'training' by a run that died (called holding the training lock, so no run
    is alive): marked failed, their partial results and files removed. Returns how many."""
    orphans = list(
        ModelVersion.objects.filter(status=VersionStatus.TRAINING, is_live=False).values_list(
            "id", flat=True
        )
    )
    if not orphans:
        return 0
    UserRecommendation.objects.filter(version_id__in=orphans).delete()
    ProductNeighbours.objects.filter(version_id__in=orphans).delete()
    ModelVersion.objects.filter(pk__in=orphans).update(
        status=VersionStatus.FAILED,
        finished_at=timezone.now(),
        note="the training run did not finish (its process ended half-way)",
    )
    for version_id in orphans:
        shutil.rmtree(ModelVersion(pk=version_id).directory, ignore_errors=True)
    return len(orphans)


def recommender_train(
    *,
    params: als.Params | None = None,
    tuning_run: TuningRun | None = None,
    report: Callable[[str], None] | None = None,
) -> ModelVersion:
    """One training run, end to end: extract interactions, fit and evaluate ALS against the
    most-popular baseline, compute and store what serving reads, then publish the version if it
    passes the guard (see als.passes_guard) or keep it, rejected, for inspection.

    Without `params`, trains with services.tuning.recommender_params (the latest tuning run's
    best settings over the operator's); the version records the settings and the tuning run.

    Nothing the live version serves is touched until the one-row switch in
    model_version_publish, so a run that fails or is killed leaves the shop as it was; the next
    run cleans up after it. Raises TrainingUnderWay while another run is alive."""
    with _training_lock():
        orphans = training_orphans_fail()
        if orphans and report:
            report(f"{orphans} unfinished run(s) marked failed")
        return _train(params=params, tuning_run=tuning_run, report=report)


def _train(
    *, params: als.Params | None, tuning_run: TuningRun | None,
    report: Callable[[str], None] | None,
) -> ModelVersion:  # fmt: skip
    say = report or (lambda message: None)
    config = RecommenderSettings.load()
    if params is None:
        params, tuning_run = recommender_params(config=config)
    started = time.perf_counter()
    until = timezone.now()
    version = ModelVersion.objects.create(
        status=VersionStatus.TRAINING,
        params=params.as_dict(),
        tuning_run=tuning_run,
        device="gpu" if als.use_gpu() else "cpu",
        trained_until=until,
    )
    watch = als.Stopwatch()
    try:
        with watch.stage("extract"):
            events = interactions_extract(until=until)
        say(f"extracted {len(events):,} interactions")
        trained = als.train(
            events,
            now=until.timestamp(),
            params=params,
            exclude_purchased=config.exclude_purchased,
            stopwatch=watch,
            on_stage=lambda name: say(f"{name} ..."),
        )
        with watch.stage("content"):
            ids, groups, in_stock, tokens = content_inputs()
            learnt = np.isin(ids, trained.neighbour_products)
            targets = np.flatnonzero(~learnt)
            content = als.content_neighbours(ids, tokens, groups, targets, n=params.neighbours)
            available = ids[in_stock]
            stocked = set(available.tolist())
            trending = trending_lists(
                events=events,
                now=until.timestamp(),
                category_of={
                    p: c for p, c in zip(ids.tolist(), groups.tolist(), strict=True) if p in stocked
                },
            )
            lists = serving_lists(
                trained=trained,
                content_products=ids[targets],
                content=content,
                product_ids=ids,
                categories=groups,
                available=available,
                max_run=config.max_per_category_run,
            )
        with watch.stage("write"):
            als.save_model(
                trained.model,
                version.directory,
                user_ids=trained.data.user_ids,
                product_ids=trained.data.product_ids,
            )
            lists_write(version_id=version.pk, lists=lists)
    except BaseException as error:
        ModelVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.FAILED,
            finished_at=timezone.now(),
            note=f"{type(error).__name__}: {error}"[:2000],
        )
        shutil.rmtree(version.directory, ignore_errors=True)
        raise
    version.users, version.products = trained.data.shape
    version.interactions = len(events)
    # The newest interaction trained on: serving measures a shopper's ages from it (see
    # selectors.lists.history_row), as training did.
    version.metrics = {**trained.metrics, "data_until": trained.data.reference}
    version.trending = trending
    version.stages = {name: round(seconds, 3) for name, seconds in watch.stages.items()}
    version.stages["fit_only"] = round(trained.fit_seconds, 3)
    version.seconds = round(time.perf_counter() - started, 3)
    version.finished_at = timezone.now()
    live = ModelVersion.objects.filter(is_live=True).first()
    ok, reason = als.passes_guard(
        trained.metrics,
        live.metrics if live else None,
        min_lift=config.min_lift,
        tolerance=config.tolerance,
        k=params.k,
    )
    version.note = reason
    version.status = VersionStatus.TRAINING if ok else VersionStatus.REJECTED
    version.save()
    if ok:
        version = model_version_publish(version=version)
        with watch.stage("cache"):
            model_version_cache_results(version_id=version.pk, lists=lists)
        version.stages["cache"] = round(watch.stages["cache"], 3)
        ModelVersion.objects.filter(pk=version.pk).update(stages=version.stages)
    say(f"version #{version.pk}: {'live' if ok else 'rejected'}: {reason}")
    model_versions_prune()
    return version
