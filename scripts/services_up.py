"""Exit 0 when the services pass of the suite can run on the PostgreSQL and Redis of the given URLs:
PostgreSQL lets the URL's role log in and create (and drop) a database, as the test run does with
its own, and Redis answers PING. Otherwise say what failed and how to fix it, and exit 1.

    python scripts/services_up.py postgres://postgres@127.0.0.1:5432/shop redis://127.0.0.1:6379/15
"""

from __future__ import annotations

import os
import sys
from urllib.parse import unquote, urlsplit


def postgres_problem(url: str) -> str | None:
    """What stops the test run from using this PostgreSQL, or None."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    where = f"PostgreSQL at {parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
    user = unquote(parts.username or "") or os.environ.get("USER", "")
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "") or None,
        "password": unquote(parts.password or "") or None,
        "connect_timeout": 3,
    }
    # The test run, like Django, creates its database from the maintenance database "postgres".
    connection = None
    errors = []
    for dbname in ("postgres", unquote(parts.path.lstrip("/")) or "postgres"):
        try:
            connection = psycopg2.connect(dbname=dbname, **params)
            break
        except psycopg2.OperationalError as error:
            errors.append(str(error).strip().splitlines()[0])
    if connection is None:
        return (
            f"{where}: cannot log in as {user!r}: {errors[-1]}\n"
            "  Is it running (sudo systemctl start postgresql), and does the role exist with this"
            " password or trust authentication? See README.md, 'Tests'."
        )
    probe = f"shop_services_probe_{os.getpid()}"
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(probe)))
            cursor.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(probe)))
    except psycopg2.Error as error:
        message = (error.pgerror or str(error)).strip().splitlines()[0]
        return (
            f"{where}: role {user!r} logged in but cannot create and drop a database ({message}).\n"
            f'  The test run creates its own: ALTER ROLE "{user}" CREATEDB; (as a superuser).'
        )
    finally:
        connection.close()
    return None


def redis_problem(url: str) -> str | None:
    """What stops the test run from using this Redis, or None."""
    import redis

    parts = urlsplit(url)
    where = f"Redis at {parts.hostname or '127.0.0.1'}:{parts.port or 6379}{parts.path or ''}"
    try:
        answered = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return (
            f"{where}: no answer to PING ({error}).\n"
            "  Is it running (sudo systemctl start redis-server), and is the URL's password"
            " right?"
        )
    if answered is not True:
        return f"{where}: PING answered {answered!r}, not PONG."
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    database_url, redis_url = argv
    problems = [p for p in (postgres_problem(database_url), redis_problem(redis_url)) if p]
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
