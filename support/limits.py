"""How many chat messages one browser session and one address may send.

Each message posted to the widget counts once against its session and once against its client
address, in fixed windows of SUPPORT_RATE_WINDOW_SECONDS kept in the cache (shared by every web
process when the cache is Redis). The address's limit is higher: many shoppers can share one
address behind a carrier's NAT. Past either limit the message is refused, with the seconds left
in the window, so the widget can say when to try again.
"""

from __future__ import annotations

import time

from django.conf import settings

from common.counters import counter_increment, counter_key


def chat_rate_take(*, session_key: str, client_ip: str) -> int:
    """Count one message from this session and address. Returns 0 when it may go through, else
    the seconds until the current window ends (for Retry-After)."""
    seconds = max(1, settings.SUPPORT_RATE_WINDOW_SECONDS)
    now = time.time()
    window = int(now // seconds)
    retry_after = max(1, int((window + 1) * seconds - now + 0.999))
    limits = [("ip", client_ip, settings.SUPPORT_RATE_PER_IP)]
    if session_key:
        limits.insert(0, ("session", session_key, settings.SUPPORT_RATE_PER_SESSION))
    refused = False
    for kind, value, limit in limits:
        key = f"{counter_key(f'support:rate:{kind}', value)}:{window}"
        if counter_increment(key, timeout=seconds + 1) > limit:
            refused = True
    return retry_after if refused else 0
