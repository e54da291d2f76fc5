"""The test suite: the same services as base, chosen by the environment, with fast hashing and eager
tasks. Tests that need a real worker turn eagerness off and start one (tests/worker.py)."""

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

DEBUG = False
# The suite pays through the local Alipay sandbox although DEBUG is off (base.py would not).
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=True)
CELERY_IMPORTS = ["payments.sandbox.tasks"] if ALIPAY_SANDBOX else []
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
# Every stem of a test catalog is frequent after a rebuild: its searches read the precomputed
# postings and counts (tests of the scan path raise it).
SEARCH_FREQUENT_STEM_SHARE = 0.0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a Celery worker process can open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-shop.sqlite3")}

if not env.str("CELERY_BROKER_URL", default="") and not env.str("REDIS_URL", default=""):
    # Its own broker file, so a `make run` worker on the same machine never takes test tasks.
    CELERY_BROKER_URL = f"sqla+sqlite:///{VAR_DIR / 'test-celery-broker.sqlite3'}"

# The live server of the browser tests serves uploaded images too.
SERVE_MEDIA = True
