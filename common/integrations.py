"""Which integrations are switched on, and whether each answers: for the start-up log and /healthz.

Each integration is on when its URL is set in the environment; otherwise the embedded default is in
use. A check returns (ok, detail) and never raises.

The database, the cache and the broker are checked here. An app that depends on another service
registers its own check from its AppConfig.ready (search registers Elasticsearch's), so the
project package that serves /healthz need not know the apps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings as django_settings


def redact(url: str) -> str:
    """The URL without its password, for logs and health output."""
    parts = urlsplit(url)
    if not parts.password:
        return url  # also keeps sqlite:////abs/path intact, which urlunsplit would not
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def database_mode(settings=django_settings) -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    return "sqlite" if engine.endswith("sqlite3") else engine.rsplit(".", 1)[-1]


def describe(settings=django_settings) -> list[str]:
    db = settings.DATABASES["default"]
    lines = [
        f"database: {database_mode(settings)} ({db.get('HOST') or db['NAME']})",
        f"cache: redis ({redact(settings.REDIS_URL)})"
        if settings.REDIS_URL
        else "cache: local memory (embedded default; set REDIS_URL for Redis)",
        f"celery broker: {redact(settings.CELERY_BROKER_URL)}",
        f"search: elasticsearch ({redact(settings.ELASTICSEARCH_URL)})"
        if settings.ELASTICSEARCH_URL
        else "search: database (embedded default; set ELASTICSEARCH_URL for Elasticsearch)",
        f"email: {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}",
        "payments: local Alipay sandbox (no real money; set ALIPAY_GATEWAY and keys for Alipay)"
        if getattr(settings, "ALIPAY_SANDBOX", False)
        else f"payments: Alipay at {redact(settings.ALIPAY_GATEWAY)}",
    ]
    return lines


@dataclass(frozen=True)
class Check:
    name: str
    required: bool
    ok: bool
    detail: str
    ms: float


def _timed(name: str, required: bool, probe) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
        ok = True
    except Exception as exc:  # a health check reports every failure rather than raising
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
    return Check(name, required, ok, detail, round((time.perf_counter() - started) * 1000, 1))


def check_database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return database_mode()


def check_cache() -> str:
    from django.core.cache import cache

    key = "healthz:probe"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written to the cache could not be read back")
    return "redis" if django_settings.REDIS_URL else "local memory"


def check_broker() -> str:
    from kombu import Connection

    url = django_settings.CELERY_BROKER_URL
    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return redact(url)


@dataclass(frozen=True)
class Probe:
    name: str
    required: bool
    # Returns a short description of what answered; raises when it does not answer.
    probe: Callable[[], str]


# Checks registered by the apps, in the order they registered; see register_check.
_registered: dict[str, Probe] = {}


def register_check(name: str, probe: Callable[[], str], *, required: bool) -> None:
    """Add a check to /healthz. `required`: whether the shop is down without it (503), or only
    degraded (200). Registering a name again replaces its check."""
    _registered[name] = Probe(name, required, probe)


def run_checks() -> list[Check]:
    return [
        _timed("database", True, check_database),
        _timed("cache", True, check_cache),
        _timed("broker", True, check_broker),
        *(_timed(check.name, check.required, check.probe) for check in _registered.values()),
    ]
