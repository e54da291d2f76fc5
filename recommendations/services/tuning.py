"""The settings search end to end (weekly, or `manage.py tune_recommender`), and the settings the
nightly run trains with. The search itself is als.tune; this module records it as a TuningRun
with its trials, under a lock that only one search at a time can hold."""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import als
from ..models import RecommenderSettings, TuningRun, TuningStatus, TuningTrial
from .extract import interactions_extract

log = logging.getLogger(__name__)

DEFAULT_TRIALS = 24
DEFAULT_BUDGET_SECONDS = 150.0
# The weekly task does nothing when a search finished this recently (a duplicate delivery, or
# an operator's run from the command the same day).
RECENT = timedelta(hours=12)


class TuningUnderWay(DomainError):
    """Another search holds the tuning lock."""


@contextmanager
def _tuning_lock():
    """Held for a whole search: an exclusive lock on a file next to the model files, released by
    the operating system when the process ends however it ends (as the training lock)."""
    path = settings.VAR_DIR / "models" / "tuning.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TuningUnderWay(_("A tuning run is already under way.")) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def latest_tuning() -> TuningRun | None:
    """The latest finished tuning run with a result."""
    return (
        TuningRun.objects.filter(status=TuningStatus.FINISHED)
        .exclude(best_params={})
        .order_by("-finished_at", "-id")
        .first()
    )


def recommender_params(
    *, config: RecommenderSettings | None = None, **overrides
) -> tuple[als.Params, TuningRun | None]:
    """The settings a training run uses, and the tuning run they come from: the operator's
    settings, with the tuned ones (family, factors, regularisation, alpha, learning rate,
    iterations, weighting with BM25's K1 and B, half-life) of the latest finished tuning run
    on top when `use_tuned` is on, then `overrides` (a command's --factors) on top of
    everything."""
    config = config or RecommenderSettings.load()
    params = config.params()
    tuning = latest_tuning() if config.use_tuned else None
    if tuning is not None:
        tuned = {k: v for k, v in tuning.best_params.items() if k in als.TUNED_KEYS}
        params = replace(params, **tuned)
    if overrides:
        params = replace(params, **overrides)
    return params, tuning


def tuning_orphans_fail() -> int:
    """Runs left 'running' by a search that died (called holding the lock): marked failed."""
    return TuningRun.objects.filter(status=TuningStatus.RUNNING).update(
        status=TuningStatus.FAILED,
        finished_at=timezone.now(),
        note="the tuning run did not finish (its process ended half-way)",
    )


def recommender_tune(
    *,
    trials: int = DEFAULT_TRIALS,
    families: Iterable[str] = als.FAMILIES,
    budget_seconds: float | None = DEFAULT_BUDGET_SECONDS,
    skip_if_recent: bool = False,
    report: Callable[[str], None] | None = None,
) -> TuningRun | None:
    """Search the settings on the validation split (see als.tune), recording each trial as it
    finishes, then the best settings with their validation and test NDCG@10 next to the
    most-popular baseline's. The nightly run trains with them from then on (see
    recommender_params). With `skip_if_recent`, returns None when a search finished within
    RECENT. Raises TuningUnderWay while another search is alive, ValueError for bad arguments."""
    families = list(dict.fromkeys(families))
    # Bad arguments fail before anything is recorded.
    als.candidates(als.Params(), trials=trials, families=families)
    with _tuning_lock():
        orphans = tuning_orphans_fail()
        if orphans and report:
            report(f"{orphans} unfinished tuning run(s) marked failed")
        if skip_if_recent:
            latest = latest_tuning()
            if latest and latest.finished_at and latest.finished_at > timezone.now() - RECENT:
                if report:
                    report(f"tuning run #{latest.pk} finished recently; not searching again")
                return None
        return _tune(trials=trials, families=families, budget_seconds=budget_seconds, report=report)


def _tune(
    *, trials: int, families: list[str], budget_seconds: float | None,
    report: Callable[[str], None] | None,
) -> TuningRun:  # fmt: skip
    say = report or (lambda message: None)
    params, _tuning = recommender_params()
    started = time.perf_counter()
    until = timezone.now()
    run = TuningRun.objects.create(trials_planned=trials, families=families)
    try:
        events = interactions_extract(until=until)
        TuningRun.objects.filter(pk=run.pk).update(interactions=len(events))
        say(f"extracted {len(events):,} interactions")

        def record(trial: als.Trial) -> None:
            TuningTrial.objects.create(
                run=run,
                number=trial.number,
                family=trial.settings["family"],
                params=trial.settings,
                ndcg=trial.ndcg,
                baseline=trial.baseline,
                users=trial.users,
                seconds=round(trial.seconds, 3),
            )
            TuningRun.objects.filter(pk=run.pk).update(trials_done=trial.number + 1)
            say(
                f"trial {trial.number + 1}/{trials} {trial.settings}: validation NDCG@"
                f"{params.k} {trial.ndcg:.4f} (most popular {trial.baseline:.4f}, "
                f"{trial.seconds:.1f} s)"
            )

        result = als.tune(
            events,
            now=until.timestamp(),
            params=params,
            trials=trials,
            families=families,
            budget_seconds=budget_seconds,
            on_trial=record,
        )
    except BaseException as error:
        TuningRun.objects.filter(pk=run.pk).update(
            status=TuningStatus.FAILED,
            finished_at=timezone.now(),
            seconds=round(time.perf_counter() - started, 3),
            note=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    key = f"ndcg@{params.k}"
    run.refresh_from_db()
    run.best_params = result.best
    run.validation_ndcg = result.validation["model"]
    run.validation_baseline = result.validation["popularity"]
    run.test_ndcg = result.test["als"][key]
    run.test_baseline = result.test["popularity"][key]
    run.seconds = round(time.perf_counter() - started, 3)
    run.finished_at = timezone.now()
    run.status = TuningStatus.FINISHED
    notes = []
    if result.validation["users"] == 0:
        # Nothing to compare: the settings stay as they are (trial 0 is the current ones).
        notes.append("no shoppers with enough history for a validation split")
    if result.budget_spent:
        notes.append(f"stopped after {len(result.trials)} trials on the time budget")
    run.note = "; ".join(notes)
    run.save()
    say(
        f"tuning run #{run.pk}: best {result.best}: validation NDCG@{params.k} "
        f"{run.validation_ndcg:.4f} (most popular {run.validation_baseline:.4f}), test "
        f"{run.test_ndcg:.4f} (most popular {run.test_baseline:.4f})"
    )
    return run
