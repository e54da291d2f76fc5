"""Training and publishing the intent classifier, and loading the shipped examples and FAQ. The
maths is in support.nlu; this module moves data between it and the database."""

from __future__ import annotations

import fcntl
import json
import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .locks import lock_live_classifiers
from .models import ClassifierVersion, ExampleSource, FaqEntry, TrainingExample
from .nlu.evaluation import Example, classifier_fit, examples_read

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_TRAIN = DATA_DIR / "intents" / "train.jsonl"
SHIPPED_TEST = DATA_DIR / "intents" / "test.jsonl"
SHIPPED_FAQ = DATA_DIR / "faq.jsonl"

# The live version's key (classifier_version_key) in the shared cache, read by
# support.classifier per message.
LIVE_CACHE_KEY = "support:classifier:live"
LIVE_CACHE_SECONDS = 60


class TrainingUnderWay(DomainError):
    """Another training run holds the training lock."""


class NotEnoughExamples(DomainError):
    """Too few active examples to train on."""


@contextmanager
def _training_lock():
    """Held for a whole training run: an exclusive lock on a file under VAR_DIR, released by the
    operating system when the process ends however it ends (as recommendations' training)."""
    path = settings.VAR_DIR / "models" / "support-training.lock"
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


def examples_load_shipped(*, path: Path | None = None) -> dict[str, int]:
    """Upsert the shipped training sentences as TrainingExample rows (source "shipped"). A row
    staff wrote with the same text and language is left as it is; a shipped row whose label
    changed in the file takes the new label. Returns counts of created and relabelled rows."""
    examples = examples_read(path or SHIPPED_TRAIN)
    existing = {
        (row.text, row.language): row
        for row in TrainingExample.objects.filter(text__in=[e.text for e in examples]).only(
            "id", "text", "language", "intent", "source"
        )
    }
    created, relabelled = [], []
    for example in examples:
        row = existing.get((example.text, example.lang))
        if row is None:
            created.append(
                TrainingExample(
                    text=example.text,
                    intent=example.intent,
                    language=example.lang,
                    source=ExampleSource.SHIPPED,
                )
            )
            existing[(example.text, example.lang)] = created[-1]
        elif row.source == ExampleSource.SHIPPED and row.intent != example.intent and row.pk:
            row.intent = example.intent
            relabelled.append(row)
    with transaction.atomic():
        TrainingExample.objects.bulk_create(created, batch_size=500)
        if relabelled:
            TrainingExample.objects.bulk_update(relabelled, ["intent", "updated_at"])
    return {"created": len(created), "relabelled": len(relabelled)}


def faq_shipped_rows(*, path: Path | None = None) -> list[dict]:
    path = path or SHIPPED_FAQ
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {number}: {error.msg}") from None
            rows.append(row)
    return rows


def faq_load_shipped(*, path: Path | None = None) -> int:
    """Add the shipped FAQ entries (for the whole shop, merchant empty) that are not there yet,
    matched by language and question. An entry already there is never touched, so what staff
    edited or switched off stays as they left it. Returns how many were added."""
    rows = faq_shipped_rows(path=path)
    present = set(FaqEntry.objects.filter(merchant=None).values_list("language", "question"))
    added = [
        FaqEntry(
            merchant=None,
            language=row["language"],
            question=row["question"],
            variants="\n".join(row.get("variants") or []),
            answer=row["answer"],
        )
        for row in rows
        if (row["language"], row["question"]) not in present
    ]
    FaqEntry.objects.bulk_create(added)
    return len(added)


def training_examples() -> list[Example]:
    """The active examples, as the classifier reads them."""
    return [
        Example(text=text, intent=intent, lang=language)
        for text, intent, language in TrainingExample.objects.filter(active=True)
        .order_by("pk")
        .values_list("text", "intent", "language")
    ]


def examples_state() -> str:
    """What the examples table holds, in a few characters: rows, active rows and the latest
    change. A version trained on the same state would be the same model."""
    state = TrainingExample.objects.aggregate(
        rows=Count("id"), active=Count("id", filter=Q(active=True)), latest=Max("updated_at")
    )
    latest = state["latest"].isoformat() if state["latest"] else ""
    return f"{state['rows']}:{state['active']}:{latest}"


# Runs in a row one call may make when examples keep changing while it trains.
MAX_ROUNDS = 3


def classifier_train(
    *, report: Callable[[str], None] | None = None, force: bool = False
) -> ClassifierVersion:
    """Train on the active examples (loading the shipped ones first when the table is empty),
    record the run and publish it as the live version in one transaction.

    When the live version was trained on the examples as they are now, it is returned as it is
    (a retried or duplicated task changes nothing) unless `force`. When examples changed while
    it trained (staff saving in admin; their own task found this run under way and did
    nothing), it trains again, up to MAX_ROUNDS runs. Raises TrainingUnderWay when another run
    holds the lock, NotEnoughExamples with fewer than two intents to tell apart."""
    say = report or log.info
    with _training_lock():
        if not TrainingExample.objects.exists():
            loaded = examples_load_shipped()
            say(f"Loaded {loaded['created']} shipped training examples.")
        version = None
        for _ in range(MAX_ROUNDS):
            state = examples_state()
            live = ClassifierVersion.objects.filter(is_live=True).first()
            fresh = live is not None and live.metrics.get("examples_state") == state
            if fresh and not (force and version is None):
                if version is None:
                    say(f"Version {live} was trained on these examples already: nothing to do.")
                return live
            version = _train_once(state=state, say=say)
        return version


def _train_once(*, state: str, say: Callable[[str], None]) -> ClassifierVersion:
    examples = training_examples()
    if len({e.intent for e in examples}) < 2:
        raise NotEnoughExamples(
            _("The classifier needs active training examples of at least two intents.")
        )
    say(f"Training on {len(examples)} examples ...")
    started = time.perf_counter()
    classifier, metrics = classifier_fit(examples, report=say)
    metrics["examples_state"] = state
    seconds = time.perf_counter() - started
    version = ClassifierVersion.objects.create(
        finished_at=timezone.now(),
        seconds=round(seconds, 3),
        examples=len(examples),
        metrics=metrics,
        model=classifier.dumps(),
    )
    classifier_version_publish(version=version)
    say(f"Version {version} is live ({seconds:.1f} s).")
    return version


@transaction.atomic
def classifier_version_publish(*, version: ClassifierVersion) -> ClassifierVersion:
    """Make `version` the live one: the previous live version is switched off and this one on in
    one transaction (at most one is live, by constraint); the serving processes see the change
    through the shared cache once it commits."""
    previous = lock_live_classifiers()
    stale = [old.pk for old in previous if old.pk != version.pk]
    if stale:
        ClassifierVersion.objects.filter(pk__in=stale).update(is_live=False)
    ClassifierVersion.objects.filter(pk=version.pk).filter(~Q(is_live=True)).update(is_live=True)
    version.is_live = True
    transaction.on_commit(
        lambda: cache.set(LIVE_CACHE_KEY, classifier_version_key(), LIVE_CACHE_SECONDS)
    )
    return version


def classifier_version_key() -> str:
    """ "<id>@<finished>" of the live version, "" when none is live."""
    live = ClassifierVersion.objects.filter(is_live=True).values_list("pk", "finished_at").first()
    if live is None:
        return ""
    pk, finished = live
    return f"{pk}@{finished.isoformat() if finished else ''}"
