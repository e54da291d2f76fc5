"""The test suite: the same services as base, chosen by the environment, with fast hashing and eager
tasks. Tests that need a real worker turn eagerness off and start one (tests/worker.py)."""

import hashlib
import re

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    CACHES,
    CELERY_BROKER_URL,
    DATABASES,
    INSTALLED_APPS,
    REDIS_URL,
    VAR_DIR,
    env,
)

DEBUG = False
# The suite pays through the local Alipay sandbox although DEBUG is off (base.py would not).
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=True)
# The sandbox app (its views, templates and the worker's notification task, found by Celery's
# autodiscovery) is installed exactly when it is on; base.py decided with another DEBUG.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "alipay_sandbox"]
if ALIPAY_SANDBOX:
    INSTALLED_APPS += ["alipay_sandbox"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STOREFRONT_CACHE_SECONDS = 0
# One process: its local-memory cache is shared by everything a test does, so both passes keep
# the signed-in user and cart count as a shared cache does (base.py keeps them only with Redis).
SIGNED_IN_CACHE_SECONDS = 300
# A request's page views are written when it ends, so the next step of a test sees them (the
# batching across requests has tests of its own).
AFTER_RESPONSE_BATCH_SECONDS = 0
# Every stem of a test catalog is frequent after a rebuild: its searches read the precomputed
# postings and counts (tests of the scan path raise it).
SEARCH_FREQUENT_STEM_SHARE = 0.0

# One run of the suite owns its test database and its Redis keys (cache, recommendation buffer,
# Celery queues), so that two checkouts, or two runs given different SHOP_TEST_RUN_IDs, test at
# once on one PostgreSQL and one Redis database. By default a checkout is one run: the id comes
# from its path, so its Celery worker (tests/worker.py) and its next run find the same names.
SHOP_TEST_RUN_ID = re.sub(
    r"[^a-z0-9_]",
    "_",
    (
        env.str("SHOP_TEST_RUN_ID", default="")
        or hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]
    ).lower(),
)[:24]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a Celery worker process can open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-shop-{SHOP_TEST_RUN_ID}.sqlite3")}
else:
    # PostgreSQL names are at most 63 bytes; the run id is kept whole.
    _base_name = f"test_{DATABASES['default']['NAME']}"[: 62 - len(SHOP_TEST_RUN_ID)]
    DATABASES["default"]["TEST"] = {"NAME": f"{_base_name}_{SHOP_TEST_RUN_ID}"}

if REDIS_URL:
    # The cache's keys, and with them the recommendation buffer's and lists' (made by
    # cache.make_key); the cache's clear() deletes only these (shop/cache.py).
    CACHES["default"]["KEY_PREFIX"] = f"test-{SHOP_TEST_RUN_ID}"

if not env.str("CELERY_BROKER_URL", default="") and not REDIS_URL:
    # Its own broker file, so a `make run` worker on the same machine never takes test tasks.
    CELERY_BROKER_URL = (
        f"sqla+sqlite:///{VAR_DIR / f'test-celery-broker-{SHOP_TEST_RUN_ID}.sqlite3'}"
    )
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Every key kombu writes on Redis (queues, bindings, unacked messages) under the run's prefix:
    # a worker of another run never takes this run's tasks, nor does this run purge theirs. Not
    # under the cache's prefix, whose keys are deleted between tests.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"test-{SHOP_TEST_RUN_ID}-celery:"}

# The live server of the browser tests serves uploaded images too.
SERVE_MEDIA = True
