"""Databases for the search benchmarks: each is created, migrated, seeded with the demo shop and
indexed when missing, so one command runs a benchmark on a fresh checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def base_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.local",
        PYTHONPATH=str(ROOT),
        STOREFRONT_CACHE_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return env


def sqlite_env(var_dir: Path) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    return {**base_env(), "SHOP_VAR_DIR": str(var_dir)}


def postgres_env(database_url: str) -> dict[str, str]:
    return {**base_env(), "DATABASE_URL": database_url}


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def ensure_postgres_database(database_url: str, *, template: str | None = None) -> None:
    """CREATE DATABASE if it does not exist (from `template` when that one exists)."""
    import psycopg2

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname IN (%s, %s)", [name, template]
        )
        present = {row[0] for row in cursor.fetchall()}
        if name not in present:
            if template and template in present:
                print(f"  creating {name} as a copy of {template} ...", flush=True)
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            else:
                print(f"  creating {name} ...", flush=True)
                cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def prepare(env: dict[str, str], size: str) -> None:
    """Migrate, seed the demo shop if the catalog is empty, build the search index if empty."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--if-empty", "--size", size, "--images-per-leaf", "1")
    manage(env, "rebuild_search_index", "--if-empty")
