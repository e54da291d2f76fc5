"""Settings for load benchmarks: production settings served by gunicorn on 127.0.0.1, plus one
extra view (the ceiling) that renders 24 static items without touching the database."""

from shop.settings.production import *  # noqa: F403
from shop.settings.production import BASE_DIR, TEMPLATES

ROOT_URLCONF = "benchmarks.urls"
# The ceiling is a Django template (benchmarks/templates), whatever engine the storefront uses.
_django = next(t for t in TEMPLATES if t["BACKEND"].endswith(".DjangoTemplates"))
_django["DIRS"] = [*_django["DIRS"], BASE_DIR / "benchmarks" / "templates"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
