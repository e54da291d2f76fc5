"""scripts/services_up.py decides whether `make test` runs its services pass: it must find a
PostgreSQL it can log in to and create a database on, and a Redis that answers PING, not merely
ports that accept a connection, and say what is wrong otherwise."""

import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import on_postgres

ROOT = Path(__file__).resolve().parent.parent.parent


def services_up(database_url: str, redis_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/services_up.py", database_url, redis_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def mute_port():
    """A local port that accepts TCP connections and hangs up: neither PostgreSQL nor Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_ports_that_answer_but_speak_neither_protocol_are_refused(mute_port):
    result = services_up(
        f"postgres://postgres@127.0.0.1:{mute_port}/shop", f"redis://127.0.0.1:{mute_port}/0"
    )

    assert result.returncode == 1
    assert f"PostgreSQL at 127.0.0.1:{mute_port}: cannot log in as 'postgres'" in result.stderr
    assert f"Redis at 127.0.0.1:{mute_port}/0: no answer to PING" in result.stderr


needs_services = pytest.mark.skipif(
    not on_postgres() or not settings.REDIS_URL, reason="needs PostgreSQL and Redis"
)


def database_url(user: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/shop"


@needs_services
def test_the_services_of_the_services_pass_are_usable():
    user = settings.DATABASES["default"]["USER"]
    password = settings.DATABASES["default"].get("PASSWORD")
    url = database_url(f"{user}:{password}" if password else user)

    result = services_up(url, os.environ["REDIS_URL"])

    assert result.returncode == 0, result.stderr


@pytest.fixture
def admin_cursor():
    """A cursor on the test PostgreSQL outside the test's transaction (roles must be committed
    for another process to log in with them)."""
    import psycopg2

    db = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        yield cursor
    connection.close()


@needs_services
@pytest.mark.django_db
def test_a_role_that_may_not_create_databases_is_told_how_to_fix_it(admin_cursor):
    role = f"shop_probe_{uuid.uuid4().hex[:8]}"
    admin_cursor.execute(f"CREATE ROLE \"{role}\" LOGIN NOCREATEDB PASSWORD 'probe'")
    try:
        result = services_up(database_url(f"{role}:probe"), os.environ["REDIS_URL"])
    finally:
        admin_cursor.execute(f'DROP ROLE "{role}"')

    assert result.returncode == 1
    assert "cannot create and drop a database" in result.stderr
    assert f'ALTER ROLE "{role}" CREATEDB' in result.stderr
