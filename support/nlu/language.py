"""Which of the shop's languages a message is written in."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str, default: str = "en") -> str:
    """ "zh-hans" when the message has Chinese characters (a Chinese sentence often carries an
    order number or a brand in Latin letters), "en" when it has Latin letters only, `default`
    when it has neither (digits, an emoji)."""
    if _HAN.search(text):
        return "zh-hans"
    if _LATIN.search(text):
        return "en"
    return default


_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
# A token of letters and digits together: an order number, a tracking number, a SKU, a model.
# So is a long run of capitals (an order number may have no digit: "KQMXAPDFRTWZ").
_CODE = re.compile(
    r"\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]+\b|\b[A-Z0-9-]{8,}\b"
)
_WORD = re.compile(r"[A-Za-z]+")


def reply_language(text: str, current: str) -> str:
    """The language to answer a message in, in a conversation held so far in `current`.
    Codes (order and tracking numbers, SKUs), emails and links say nothing of the shopper's
    language, and neither does a one-word answer such as "yes" or "ok" in a Chinese
    conversation (a choice button sends such values): those keep the conversation's language.
    Otherwise Chinese characters mean Chinese, Latin words English."""
    rest = _CODE.sub(" ", _EMAIL_OR_URL.sub(" ", text))
    if _HAN.search(rest):
        return "zh-hans"
    words = _WORD.findall(rest)
    if not words:
        return current
    if current == "zh-hans" and len(words) == 1 and len(words[0]) <= 6:
        return current
    return "en"
