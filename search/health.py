"""The search check of /healthz, registered with common.integrations when the app is ready."""

from __future__ import annotations

from django.conf import settings

from common.integrations import redact

from .services import elasticsearch_backend, recent_fallback


def check_search() -> str:
    url = settings.ELASTICSEARCH_URL
    if not url:
        return "database"
    # The backend searches use, on its connection (the settings' timeouts and transport).
    backend = elasticsearch_backend()
    if backend is None or not backend.ping():
        raise RuntimeError(f"no answer from {redact(url)}; search falls back to the database")
    fallback = recent_fallback()
    if fallback:
        raise RuntimeError(
            f"searches fell back to the database at {fallback['at']} ({fallback['reason']})"
        )
    return f"elasticsearch ({redact(url)})"
