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
