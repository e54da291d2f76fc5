"""A training process killed half-way (SIGKILL: no cleanup code runs) leaves the live version and
what it serves untouched, and the next run marks the orphan failed and removes what it left."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings

from common.errors import DomainError
from recommendations.models import (
    ModelVersion,
    ProductNeighbours,
    UserRecommendation,
    VersionStatus,
)
from recommendations.services.training import TrainingUnderWay, recommender_train
from tests.worker import ROOT, _database_url

pytestmark = pytest.mark.django_db(transaction=True)


def served_by(version: ModelVersion) -> tuple[list, list]:
    return (
        list(
            UserRecommendation.objects.filter(version=version)
            .order_by("user_id")
            .values_list("user_id", "product_ids")
        ),
        list(
            ProductNeighbours.objects.filter(version=version)
            .order_by("product_id")
            .values_list("product_id", "similar", "also_bought", "source")
        ),
    )


def start_training(*args: str) -> tuple[subprocess.Popen, list[str]]:
    """`manage.py train_recommender` in its own process on the test database; its output lines
    are collected as they come."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.test",
        DATABASE_URL=_database_url(),
        SHOP_VAR_DIR=str(settings.VAR_DIR),
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "train_recommender", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []

    def pump():
        for line in proc.stdout:
            lines.append(line.rstrip())

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def wait_until(condition, proc, lines, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            pytest.fail("training ended before it could be killed:\n" + "\n".join(lines))
        time.sleep(0.05)
    proc.kill()
    pytest.fail("training did not reach the fit:\n" + "\n".join(lines))


def test_a_training_process_killed_mid_fit_leaves_the_live_version_untouched(seeded_shop):
    # Given a live version and what it serves
    live = recommender_train()
    assert live.is_live, live.note
    before = served_by(live)
    assert before[0] and before[1]

    # When a second run, in its own process, is killed with SIGKILL in the middle of its fit
    # (given so many iterations that it is certainly still fitting)
    proc, lines = start_training("--iterations", "100000")
    wait_until(
        lambda: (
            any("fit ..." in line for line in lines)
            and ModelVersion.objects.filter(status=VersionStatus.TRAINING).exists()
        ),
        proc,
        lines,
    )
    orphan = ModelVersion.objects.get(status=VersionStatus.TRAINING)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL

    # Then the live version is still live and serves exactly what it did
    assert ModelVersion.objects.get(is_live=True) == live
    assert served_by(live) == before
    orphan.refresh_from_db()
    assert orphan.status == VersionStatus.TRAINING and not orphan.is_live

    # And the next run (the lock died with the killed process) marks the orphan failed and
    # removes its files, then trains normally
    following = recommender_train()
    orphan.refresh_from_db()
    assert orphan.status == VersionStatus.FAILED
    assert "did not finish" in orphan.note
    assert not orphan.directory.exists()
    assert not UserRecommendation.objects.filter(version=orphan).exists()
    assert following.status in (VersionStatus.LIVE, VersionStatus.REJECTED)
    assert ModelVersion.objects.filter(is_live=True).count() == 1


def test_a_second_run_is_refused_while_one_is_alive(seeded_shop):
    # Given a training run under way in another process
    proc, lines = start_training("--iterations", "100000")
    try:
        wait_until(lambda: any("fit ..." in line for line in lines), proc, lines)
        # When another starts, it is refused, and the running one's version is not touched
        with pytest.raises(TrainingUnderWay) as refused:
            recommender_train()
        # a domain error: the admin and the command show its message
        assert isinstance(refused.value, DomainError)
        assert str(refused.value) == "A training run is already under way."
        assert ModelVersion.objects.get().status == VersionStatus.TRAINING
    finally:
        proc.kill()
        proc.wait(30)
