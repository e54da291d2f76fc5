"""How many chat messages one browser session and one address may send.

Each message posted to the widget counts once against its session and once against its client
address, over the last SUPPORT_RATE_WINDOW_SECONDS, in counters kept in the cache (shared by
every web process when the cache is Redis; `common.counters.sliding_window_take`). The address's
limit is higher: many shoppers can share one address behind a carrier's NAT. Past either limit
the message is refused and not counted, with the seconds until it would be accepted, so the
widget can say when to try again.
"""

from __future__ import annotations

from django.conf import settings

from common.counters import counter_key, sliding_window_take


def chat_rate_take(*, session_key: str, client_ip: str) -> int:
    """Count one message from this session and address. Returns 0 when it may go through, else
    the seconds until it would (for Retry-After)."""
    limits = [(counter_key("support:rate:ip", client_ip), settings.SUPPORT_RATE_PER_IP)]
    if session_key:
        limits.insert(
            0, (counter_key("support:rate:session", session_key), settings.SUPPORT_RATE_PER_SESSION)
        )
    return sliding_window_take(limits, seconds=settings.SUPPORT_RATE_WINDOW_SECONDS)
