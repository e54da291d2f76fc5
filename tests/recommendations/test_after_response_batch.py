"""With a shared cache and AFTER_RESPONSE_BATCH_SECONDS above 0, what each request noted for after
its response (the recommender's views and the histories they change, the funnel's views) is held
by the process and sent by its sending thread, the requests of a while in one pipeline
(recommendations.store.send_after_response)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from insights.services.funnel import BUFFER_KEY as FUNNEL_BUFFER_KEY
from recommendations import selectors, store
from recommendations.history import history_key, history_note_views
from recommendations.services.buffer import BUFFER_KEY
from recommendations.store import after_response_flush, redis_client, send_after_response
from tests.accounts.factories import PASSWORD, UserFactory

from .test_buffer import redis_cache  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def batched(settings, redis_cache, monkeypatch):  # noqa: F811
    """Batching on, long enough that no sending thread sends during the test unless it says
    so; this test's own batch (a thread left by another test holds another one)."""
    settings.AFTER_RESPONSE_BATCH_SECONDS = 60
    monkeypatch.setattr(store, "_batch", store._Batch())
    return settings


@pytest.fixture
def pipelines(monkeypatch):
    """The command names of every pipeline sent, each with the thread that sent it."""
    sent: list[tuple[str, list[str]]] = []
    execute = redis.client.Pipeline.execute

    def counting(self, *args, **kwargs):
        names = [str(c[0][0]).upper() for c in self.command_stack]
        sent.append((threading.current_thread().name, names))
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counting)
    return sent


@pytest.fixture
def key():
    """A Redis list of the test's own, which the senders below push what they took to."""
    name = f"test-after-response-{uuid.uuid4().hex}"
    yield name
    redis_client(write=True).delete(name)


def pushing(key: str):
    """A sender writing what it is given to the list `key`."""

    def send(pipe, values, *, batched):
        pipe.rpush(key, *values)

    return send


def pushed(key: str, *, waiting_for: int = 0) -> list[bytes]:
    """What the list `key` holds, once it holds `waiting_for` entries (5 s at most)."""
    deadline = time.monotonic() + 5
    while redis_client().llen(key) < waiting_for and time.monotonic() < deadline:
        time.sleep(0.02)
    return redis_client().lrange(key, 0, -1)


def recs_buffered() -> list[list]:
    return [json.loads(row) for row in redis_client().lrange(cache.make_key(BUFFER_KEY), 0, -1)]


def funnel_buffered() -> list[list]:
    rows = redis_client().lrange(cache.make_key(FUNNEL_BUFFER_KEY), 0, -1)
    return [json.loads(row) for row in rows]


def test_the_views_of_several_requests_are_sent_together_in_one_pipeline(
    client, make_product, batched, pipelines
):
    products = [make_product() for _ in range(3)]
    shopper = UserFactory()
    client.force_login(shopper)

    for product in products:
        assert client.get(product.get_absolute_url()).status_code == 200

    # Held by the process: nothing sent yet.
    assert recs_buffered() == [] and funnel_buffered() == []
    assert pipelines == []

    after_response_flush()

    assert len(pipelines) == 1
    assert sorted(pipelines[0][1]) == ["EVALSHA", "RPUSH", "SET"]
    assert [row[2] for row in recs_buffered()] == [p.pk for p in products]
    views = funnel_buffered()
    assert [row[2] for row in views] == [p.pk for p in products]
    assert len({row[-1] for row in views}) == 1  # one session
    history = cache.get(history_key(user_id=shopper.pk, session_key=None))
    assert history.viewed[:3] == [p.pk for p in reversed(products)]


def test_a_batch_folds_its_views_into_the_history_as_it_is_when_sent(client, make_product, batched):
    """Another process may have changed a shopper's history since the request read it (its own
    batch of views sent in between): the batch reads it again rather than overwrite that."""
    seen_here, seen_elsewhere = make_product(), make_product()
    shopper = UserFactory()
    client.force_login(shopper)
    client.get(seen_here.get_absolute_url())  # the history is built and read here, then held

    history_note_views([(shopper.pk, "", seen_elsewhere.pk, time.time())])  # another worker's
    after_response_flush()

    history = cache.get(history_key(user_id=shopper.pk, session_key=None))
    assert set(history.viewed[:2]) == {seen_here.pk, seen_elsewhere.pk}


def test_views_this_process_holds_at_a_login_join_the_accounts_history(
    client, make_product, batched
):
    product = make_product()
    shopper = UserFactory()
    client.post(reverse("cart:add"), {"variant": product.variants.first().pk, "quantity": 1})
    client.get(product.get_absolute_url())  # the visitor's view, held by the process

    client.post(reverse("accounts:login"), {"username": shopper.email, "password": PASSWORD})

    assert selectors.history(user=shopper, session_key=None).viewed == [product.pk]


def test_the_sending_thread_sends_what_the_requests_held_after_the_interval(
    batched, monkeypatch, pipelines, key
):
    batched.AFTER_RESPONSE_BATCH_SECONDS = 0.05
    notes = iter(["first", "second", "third"])
    monkeypatch.setattr(store, "_senders", [(lambda: next(notes), pushing(key))])

    for _ in range(3):
        send_after_response()
    assert pushed(key) == []  # held, not sent by the requests

    assert pushed(key, waiting_for=3) == [b"first", b"second", b"third"]
    assert pipelines == [("after-response-writes", ["RPUSH"])]


def test_a_sending_thread_that_has_ended_is_started_again(batched, monkeypatch, key):
    batched.AFTER_RESPONSE_BATCH_SECONDS = 0.05
    ended = threading.Thread(target=lambda: None)
    ended.start()
    ended.join()
    store._batch._thread = ended
    monkeypatch.setattr(store, "_senders", [(lambda: "noted", pushing(key))])

    send_after_response()

    assert pushed(key, waiting_for=1) == [b"noted"]
    assert store._batch._thread is not ended


def test_writes_are_sent_at_once_when_no_sending_thread_can_be_started(
    batched, monkeypatch, caplog, key
):
    def refused(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(store, "_senders", [(lambda: "noted", pushing(key))])
    monkeypatch.setattr(threading.Thread, "start", refused)

    send_after_response()
    assert pushed(key) == [b"noted"]
    after_response_flush()  # nothing held: not sent twice
    assert pushed(key) == [b"noted"]
    assert "could not hold the writes" in caplog.text


def test_a_full_batch_is_sent_by_the_request_that_fills_it(batched, monkeypatch, pipelines, key):
    monkeypatch.setattr(store, "BATCH_MAX", 2)
    monkeypatch.setattr(store, "_senders", [(lambda: "noted", pushing(key))])

    send_after_response()
    assert pushed(key) == []
    send_after_response()

    assert pushed(key) == [b"noted", b"noted"]
    assert pipelines == [(threading.current_thread().name, ["RPUSH"])]


def test_a_sender_that_fails_leaves_the_others_writes_to_be_sent(batched, monkeypatch, caplog, key):
    def failing(pipe, values, *, batched):
        pipe.rpush(key, "half-prepared")
        raise ValueError("cannot prepare")

    monkeypatch.setattr(store, "_senders", [(lambda: "x", failing), (lambda: "kept", pushing(key))])

    send_after_response()
    after_response_flush()

    assert pushed(key) == [b"kept"]
    assert "could not prepare the writes of failing" in caplog.text


def test_a_forked_worker_holds_nothing_of_its_parent_and_starts_its_own_thread(
    batched, monkeypatch
):
    monkeypatch.setattr(store, "_senders", [(lambda: "parent's", lambda *a, **k: None)])
    send_after_response()
    assert store._batch._held and store._batch._thread is not None

    pid = os.fork()
    if pid == 0:  # the child: report by exit status only
        fresh = not store._batch._held and store._batch._thread is None
        os._exit(0 if fresh else 1)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0


def test_what_a_process_holds_is_sent_when_it_exits(redis_url):
    """A worker stopped gracefully (a deploy, gunicorn's max-requests) sends what it holds."""
    key = f"test-after-response-{uuid.uuid4().hex}"
    script = f"""
import django
django.setup()
from django.conf import settings
from recommendations import store
settings.AFTER_RESPONSE_BATCH_SECONDS = 60
store._senders[:] = [(lambda: "held at exit", lambda pipe, values, batched: pipe.rpush(
    {key!r}, *values))]
store.send_after_response()
assert store.redis_client().llen({key!r}) == 0
"""
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "shop.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    client = redis.Redis.from_url(redis_url)
    try:
        assert done.returncode == 0, done.stderr
        assert client.lrange(key, 0, -1) == [b"held at exit"]
    finally:
        client.delete(key)
