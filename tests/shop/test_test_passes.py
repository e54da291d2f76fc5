"""Each pass of the suite runs on what it says: the embedded pass on SQLite and local memory even
when a .env file names services, and pytest refuses a pass whose environment contradicts it."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shop.settings.base import SERVICE_URL_VARIABLES

ROOT = Path(__file__).resolve().parent.parent.parent

SERVICES_ENV_FILE = (
    "DATABASE_URL=postgres://shop:secret@db.example.com:5432/shop\n"
    "REDIS_URL=redis://cache.example.com:6379/0\n"
    "ELASTICSEARCH_URL=http://search.example.com:9200\n"
)

SHOW_SETTINGS = (
    "from django.conf import settings;"
    "print(settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]);"
    "print(settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]);"
    "print(settings.CELERY_BROKER_URL.split(':', 1)[0]);"
    "print(settings.ELASTICSEARCH_URL or '-')"
)


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without any service URL or pass, plus `extra`."""
    dropped = {*SERVICE_URL_VARIABLES, "SHOP_TEST_PASS", "REQUIRE_SERVICES"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="shop.settings.test", **extra)
    return env


def settings_seen(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.fixture
def services_env_file(tmp_path) -> str:
    path = tmp_path / ".env"
    path.write_text(SERVICES_ENV_FILE)
    return str(path)


def test_the_embedded_pass_ignores_the_service_urls_of_a_env_file(services_env_file):
    seen = settings_seen(environment(SHOP_ENV_FILE=services_env_file, SHOP_TEST_PASS="embedded"))

    assert seen == ["sqlite3", "LocMemCache", "sqla+sqlite", "-"]


def test_outside_the_embedded_pass_the_env_file_switches_the_services_on(services_env_file):
    seen = settings_seen(environment(SHOP_ENV_FILE=services_env_file, SHOP_TEST_PASS="services"))

    assert seen == ["postgresql", "RedisCache", "redis", "http://search.example.com:9200"]


def run_pytest(env: dict[str, str]) -> subprocess.CompletedProcess:
    """pytest's start-up only (collecting one small file), where the pass is checked."""
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
            "tests/shop/test_error_pages.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DATABASE_URL", "postgres://shop@db.example.com:5432/shop", "DATABASE_URL"),
        ("REDIS_URL", "redis://cache.example.com:6379/0", "REDIS_URL"),
        ("ELASTICSEARCH_URL", "http://search.example.com:9200", "ELASTICSEARCH_URL"),
    ],
)
def test_pytest_refuses_an_embedded_pass_given_a_service(variable, value, named):
    result = run_pytest(environment(SHOP_TEST_PASS="embedded", **{variable: value}))

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "the embedded pass runs on SQLite and local memory only" in result.stderr
    assert named in result.stderr


def test_pytest_starts_an_embedded_pass_on_the_embedded_defaults():
    result = run_pytest(environment(SHOP_TEST_PASS="embedded"))

    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert "tests collected" in result.stdout or "test collected" in result.stdout


def test_pytest_refuses_a_services_pass_without_the_services():
    result = run_pytest(environment(SHOP_TEST_PASS="services"))

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "the services pass needs DATABASE_URL" in result.stderr


SHOW_RUN_NAMES = (
    "from django.conf import settings;"
    "print(settings.SHOP_TEST_RUN_ID);"
    "print(settings.DATABASES['default']['TEST']['NAME']);"
    "print(settings.CACHES['default']['KEY_PREFIX']);"
    "print(settings.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'])"
)


def run_names(**extra: str) -> list[str]:
    env = environment(
        DATABASE_URL="postgres://shop@127.0.0.1:5432/shop",
        REDIS_URL="redis://127.0.0.1:6379/15",
        SHOP_TEST_PASS="services",
    )
    env.pop("SHOP_TEST_RUN_ID", None)
    env.update(extra)
    result = subprocess.run(
        [sys.executable, "-c", SHOW_RUN_NAMES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_a_run_id_names_the_test_database_the_cache_keys_and_the_celery_keys():
    names = run_names(SHOP_TEST_RUN_ID="Ci-7")

    assert names == ["ci_7", "test_shop_ci_7", "test-ci_7", "test-ci_7-celery:"]


def test_without_a_run_id_the_checkouts_path_names_the_run():
    names = run_names()

    # Two checkouts have different paths, so different names; one checkout keeps its names, so
    # its Celery worker and its next run find them.
    assert names[0] == hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    assert names[1] == f"test_shop_{names[0]}"
    assert run_names() == names
