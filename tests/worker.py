"""A real Celery worker process for tests, on the same broker and test database as the suite.

Tests that use it must be `django_db(transaction=True)`, so what they write is committed and the
worker can see it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


# "Task name[id] received" / "... succeeded in", "... raised ...", "... retry: ..."
TASK_LINE = re.compile(
    r"Task [\w.]+\[(?P<id>[0-9a-f-]+)\] (?P<event>received|succeeded|raised|retry)"
)


class WorkerProcess:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.received: set[str] = set()
        self.finished: set[str] = set()
        self.last_event = time.monotonic()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self.ready.set()
            match = TASK_LINE.search(line)
            if match:
                target = self.received if match["event"] == "received" else self.finished
                target.add(match["id"])
                self.last_event = time.monotonic()

    def wait_idle(self, timeout: float = 30, quiet: float = 0.5) -> None:
        """Until every task the worker took has ended and nothing new arrived for `quiet`
        seconds: a test's teardown empties the database, which must not race a task."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = self.received - self.finished
            if not busy and time.monotonic() - self.last_event >= quiet:
                return
            time.sleep(0.1)

    def log(self) -> str:
        return "\n".join(self.lines[-60:])


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start `celery -A shop worker` against the test database; stop it at the end."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.test",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        # The same run: the same cache key prefix and Celery queue keys as this process.
        SHOP_TEST_RUN_ID=settings.SHOP_TEST_RUN_ID,
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONUNBUFFERED="1",
    )
    cmd = [
        sys.executable, "-m", "celery", "-A", "shop", "worker",
        "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--hostname=test-worker@%h",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    worker = WorkerProcess(proc)
    if not worker.ready.wait(60):
        proc.kill()
        pytest.fail(f"Celery worker did not start within 60 s:\n{worker.log()}")
    yield worker
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def live_worker(celery_worker_process):
    """Send tasks to the real worker instead of running them eagerly in the test process."""
    from shop.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True
    # Tasks the test queued last (after-commit index refreshes, say) are dropped or finish
    # before the database is emptied: a TRUNCATE racing a task's locks deadlocks.
    app.control.purge()
    celery_worker_process.wait_idle()


def wait_for(condition: Callable[[], bool], worker: WorkerProcess, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"condition not met within {timeout} s; worker log:\n{worker.log()}")
