"""How much the notify endpoint takes from whoever is not Alipay.

The endpoint is public and unauthenticated until the signature is checked, so anyone can post to
it. Rejected notifications are counted per client address in the cache; past the limit within the
window, that address is answered "failure" without verifying or recording anything. Verified
notifications never count. A genuine notification turned away this way (only if one address sent
both, e.g. a proxy) is not lost: Alipay retries for a day, and the return page, the status polling
and the reconciliation ask Alipay about pending payments anyway.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

from common.counters import counter_increment, counter_key

logger = logging.getLogger(__name__)


def _key(client_ip: str) -> str:
    return counter_key("payments:notify-rejected", client_ip)


def notify_rejections_exceeded(*, client_ip: str) -> bool:
    """Whether this address has sent more rejected notifications than allowed in the window."""
    count = cache.get(_key(client_ip)) or 0
    return count >= settings.PAYMENTS_NOTIFY_REJECTED_LIMIT


def notify_rejection_count(*, client_ip: str) -> int:
    """Count one rejected notification from this address; the window starts at the first. Logs
    once, when the address reaches the limit."""
    count = counter_increment(
        _key(client_ip), timeout=settings.PAYMENTS_NOTIFY_REJECTED_WINDOW_SECONDS
    )
    if count == settings.PAYMENTS_NOTIFY_REJECTED_LIMIT:
        logger.warning(
            "alipay notify: %s rejected notifications from %s; refusing its notifications "
            "unread for up to %s s",
            count,
            client_ip,
            settings.PAYMENTS_NOTIFY_REJECTED_WINDOW_SECONDS,
        )
    return count
