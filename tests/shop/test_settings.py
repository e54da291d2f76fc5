import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def run_check(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    skip = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set it
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(DJANGO_SETTINGS_MODULE="shop.settings.production", **extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"ALLOWED_HOSTS": "shop.example.com"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_embedded_development_key():
    result = run_check(
        {"ALLOWED_HOSTS": "shop.example.com", "SECRET_KEY": "embedded-dev-key-not-for-production"}
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_checks_with_a_real_key():
    result = run_check(
        {"ALLOWED_HOSTS": "shop.example.com", "SECRET_KEY": "x" * 20 + "A9-_kq" * 8},
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "sqlite3"),
        ({"DATABASE_URL": "postgres://u:p@db.example.com:5432/shop"}, "postgresql"),
    ],
)
def test_database_follows_database_url(env, expected):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings.local';"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'].rsplit('.',1)[-1])"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )
    assert result.stdout.strip() == expected, result.stderr


def test_redis_url_switches_cache_and_broker_to_redis():
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings.local';"
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND']); print(settings.CELERY_BROKER_URL)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    embedded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    ).stdout.splitlines()
    services = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "REDIS_URL": "redis://127.0.0.1:6379/3"},
        capture_output=True,
        text=True,
    ).stdout.splitlines()

    assert embedded[0].endswith("LocMemCache")
    assert embedded[1].startswith("sqla+sqlite:///")
    assert services[0].endswith("RedisCache")
    assert services[1] == "redis://127.0.0.1:6379/3"


def test_the_signed_in_user_and_cart_count_are_kept_only_in_a_shared_cache():
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings.local';"
        "from django.conf import settings; print(settings.SIGNED_IN_CACHE_SECONDS)"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SIGNED_IN_CACHE_SECONDS"}
    }
    embedded, services = (
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout.strip()
        for env in (clean, {**clean, "REDIS_URL": "redis://127.0.0.1:6379/3"})
    )

    assert (embedded, services) == ("0", "300")
