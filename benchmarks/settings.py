"""Settings for load benchmarks: production settings served by gunicorn on 127.0.0.1, plus one
extra view (the ceiling) that renders 24 static items without touching the database."""

from shop.settings.production import *  # noqa: F403
from shop.settings.production import BASE_DIR, TEMPLATES

ROOT_URLCONF = "benchmarks.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
