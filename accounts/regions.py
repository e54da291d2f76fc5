"""Mainland China's provincial-level divisions, for validating addresses. No Django imports.

The shop delivers within the mainland: Hong Kong, Macau and Taiwan use other mobile-number and
postal-code formats and are not offered."""

import re

PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省",
    "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip

# Mainland mobile numbers: 11 digits, starting 13-19.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
POSTAL_CODE_RE = re.compile(r"^\d{6}$")


def normalise_mobile(value: str) -> str:
    """Strip spaces, dashes and a leading +86 / 86 country code."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def is_postal_code(value: str) -> bool:
    return bool(POSTAL_CODE_RE.match(value))
