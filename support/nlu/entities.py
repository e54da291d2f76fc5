"""What a shopper's message names: order numbers, email addresses, quantities, a yes or a no to a
question the assistant asked, a pick among the choices it offered. No Django.

Order numbers are 12 characters of Crockford's base32 without I, L, O and U (orders.numbers); a
shopper may type them in lower case, in groups split by spaces or dashes ("7kq3-m9xa-2d4f").
Ordinary words and plain numbers (a phone number, a quantity) are never taken for one."""

from __future__ import annotations

import re
from itertools import pairwise

ORDER_ALPHABET = frozenset("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
ORDER_NUMBER_LENGTH = 12

_TOKEN = re.compile(r"[A-Za-z0-9]+")
# What may separate the groups of one order number as a shopper types it.
_GROUP_GAP = re.compile(r"^[ \-–_.]{1,2}$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# How a shopper cuts a number into groups: at most four, each of three characters or more.
_MAX_GROUPS = 4
_MIN_GROUP = 3


def _valid_number(candidate: str) -> bool:
    return (
        len(candidate) == ORDER_NUMBER_LENGTH
        and all(c in ORDER_ALPHABET for c in candidate)
        and not candidate.isdigit()
    )


def order_numbers(text: str) -> list[str]:
    """The order numbers in the message, upper-cased, in the order they appear. A number made of
    letters only counts only when typed as one upper-case word (as copied from an email): joined
    lower-case words ("where is my parcel") are never read as one."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        taken = 0
        for size in range(1, _MAX_GROUPS + 1):
            group = tokens[i : i + size]
            if len(group) < size:
                break
            gaps_ok = all(_GROUP_GAP.match(text[a[2] : b[1]]) for a, b in pairwise(group))
            if not gaps_ok:
                break
            if size > 1 and any(len(t[0]) < _MIN_GROUP for t in group):
                break
            joined = "".join(t[0] for t in group)
            if len(joined) > ORDER_NUMBER_LENGTH:
                break
            candidate = joined.upper()
            if not _valid_number(candidate):
                continue
            has_digit = any(c.isdigit() for c in candidate)
            if not has_digit and not (size == 1 and joined.isupper()):
                continue
            if size > 1 and not has_digit:
                continue
            found.append(candidate)
            taken = size
            break
        i += taken or 1
    return list(dict.fromkeys(found))


def emails(text: str) -> list[str]:
    """The email addresses in the message, as typed (compare them case-insensitively)."""
    return list(dict.fromkeys(m.group().strip(".") for m in _EMAIL.finditer(text)))


# --- Numbers ------------------------------------------------------------------------------------

_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a pair of": 2, "a couple of": 2, "a dozen": 12,
}  # fmt: skip
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_ZH_NUMERAL = r"[零一二两俩三四五六七八九十百]+"
# Chinese measure words a quantity comes with ("两件", "3个").
_ZH_UNITS = "件个只份台瓶盒双套本支条包袋箱块张把顶副"


def zh_number(text: str) -> int | None:
    """A Chinese numeral up to 999 ("三", "十二", "二十", "一百零五") as an int, else None."""
    if not text or any(c not in _ZH_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char in _ZH_DIGITS:
            current = _ZH_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


_QUANTITY_PATTERNS = (
    re.compile(r"(?:^|[\s(（])[x×*]\s*(\d{1,3})\b", re.IGNORECASE),  # "x3", "× 2"
    re.compile(r"\b(\d{1,3})\s*[x×](?![A-Za-z0-9])", re.IGNORECASE),  # "3x"
    re.compile(rf"(\d{{1,3}})\s*[{_ZH_UNITS}]"),  # "3个"
    re.compile(rf"({_ZH_NUMERAL})\s*[{_ZH_UNITS}]"),  # "两件"
    re.compile(r"\b(?:qty|quantity|数量)\s*[:：]?\s*(\d{1,3})\b", re.IGNORECASE),
)


def quantity(text: str) -> int | None:
    """How many of something the message asks for: "2", "two", "两件", "x3", "3个"; None when
    it names no quantity. Order numbers, phone numbers and prices are not quantities."""
    cleaned = text
    for number in order_numbers(text):
        cleaned = re.sub(r"[\s\-]*".join(map(re.escape, number)), " ", cleaned, flags=re.I)
    for pattern in _QUANTITY_PATTERNS:
        match = pattern.search(cleaned)
        if match:
            value = match.group(1)
            number = int(value) if value.isdigit() else zh_number(value)
            if number:
                return number
    lowered = cleaned.lower()
    for words, number in sorted(_EN_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{words}\b", lowered):
            return number
    # A bare small number (not part of a price, a phone number or a longer figure).
    match = re.search(r"(?<![\d.¥$￥])\b(\d{1,3})\b(?![\d.%])", cleaned)
    if match and int(match.group(1)) > 0:
        return int(match.group(1))
    return None


# --- Answers to the assistant's own questions ---------------------------------------------------

_EN_YES = {
    "yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "confirm", "confirmed", "correct",
    "right", "please", "go ahead", "do it", "absolutely", "of course", "definitely", "affirmative",
    "yes please", "that's right", "that is right", "sounds good", "fine", "alright", "all right",
}  # fmt: skip
_EN_NO = {
    "no", "n", "nope", "nah", "don't", "do not", "dont", "no thanks", "no thank you", "never mind",
    "nevermind", "not now", "stop", "forget it", "leave it", "keep it", "negative", "not really",
    "cancel that", "don't do it", "do not do it", "no way",
}  # fmt: skip
_ZH_YES = {
    "是", "是的", "好", "好的", "确认", "对", "对的", "嗯", "嗯嗯", "可以", "行", "确定", "没问题",
    "要", "好啊", "好吧", "是啊", "对啊", "同意", "没错", "ok", "确认无误", "就这样", "当然",
}  # fmt: skip
_ZH_NO = {
    "不", "不要", "算了", "取消", "不用", "不了", "否", "不是", "别", "不用了", "算了吧", "不要了",
    "不需要", "不对", "先不", "先不要", "暂时不要", "不行", "别了", "不确认", "还是算了",
}  # fmt: skip
_PUNCT = re.compile(r"[\s,.!?;:，。！？；：、~～…\"“”‘()（）]+")
_ZH_PARTICLES = "吧啊呀呢哦啦了嘛"


def _bare(text: str) -> str:
    return _PUNCT.sub(" ", text.lower().replace("’", "'")).strip()


def confirmation(text: str) -> str | None:
    """ "yes", "no" or None: how the message answers a yes/no question. A request such as
    "取消订单" (cancel the order) is not a "no"; "确认取消" (yes, cancel) is a "yes"."""
    bare = _bare(text)
    if not bare:
        return None
    if bare in _EN_YES:
        return "yes"
    if bare in _EN_NO:
        return "no"
    words = bare.split()
    if words[0] in {"yes", "yeah", "yep", "ok", "okay", "sure", "confirm"} and not any(
        w in {"not", "don't", "dont", "no"} for w in words[1:]
    ):
        return "yes"
    if words[0] in {"no", "nope", "nah"} or bare.startswith(("don't", "do not", "never mind")):
        return "no"
    compact = bare.replace(" ", "")
    stripped = compact.rstrip(_ZH_PARTICLES) or compact
    if compact in _ZH_YES or stripped in _ZH_YES:
        return "yes"
    if compact in _ZH_NO or stripped in _ZH_NO:
        return "no"
    if len(compact) <= 8:
        if compact.startswith(("确认", "确定", "好的", "是的", "可以")) and "不" not in compact:
            return "yes"
        if compact.startswith(("不要", "不用", "别", "算了", "不", "先不")):
            return "no"
    return None


_EN_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5, "sixth": 6,
    "6th": 6, "six": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_LATEST_EN = re.compile(r"\b(latest|newest|most recent|last one|recent one|the last)\b")
_LATEST_ZH = ("最新", "最近", "最后", "刚才", "刚下的", "刚买的")
_PICK_FILLER = re.compile(
    r"\b(the|one|order|item|address|number|no|please|pick|choose|i|want|take|it'?s|option)\b"
)
LATEST = -1


def pick(text: str) -> int | None:
    """Which of the offered choices the message picks, 1-based ("the second one", "第二个",
    "2", "#2"), LATEST (-1) for "the latest" / "最新的", None when it picks none. Only a short
    message that is nothing but a pick counts, so "I want 2 mugs" is not a pick."""
    bare = _bare(text)
    if not bare or len(bare) > 30:
        return None
    if _LATEST_EN.search(bare) and len(bare.split()) <= 4:
        return LATEST
    compact = bare.replace(" ", "")
    if (
        any(compact.startswith(word) or compact == word + "的" for word in _LATEST_ZH)
        and len(compact) <= 8
    ):
        return LATEST
    match = re.fullmatch(
        rf"第?(\d{{1,2}}|{_ZH_NUMERAL})[个号条件笔单张]?(?:订单|地址|商品)?的?", compact
    )
    if match:
        value = match.group(1)
        number = int(value) if value.isdigit() else zh_number(value)
        if number:
            return number
    rest = _PICK_FILLER.sub(" ", bare.replace("#", " ")).split()
    if len(rest) == 1:
        word = rest[0]
        if word.isdigit() and 0 < int(word) < 100:
            return int(word)
        if word in _EN_ORDINALS:
            return _EN_ORDINALS[word]
    return None


_ALL = re.compile(r"\b(all|everything|every item|all of them|both|whole order|entire order)\b")
_ALL_ZH = ("全部", "所有", "都", "整单", "整个订单", "两个都", "全都")


def means_all(text: str) -> bool:
    """The message picks every choice ("all of them", "全部")."""
    bare = _bare(text)
    return bool(_ALL.search(bare)) or any(word in bare for word in _ALL_ZH)


def picks(text: str) -> list[int]:
    """Several picks in one message ("1 and 3", "1,3", "第一个和第三个"), 1-based; [] when none."""
    single = pick(text)
    if single is not None and single != LATEST:
        return [single]
    parts = re.split(r"\s*(?:,|，|、|and|和|跟|与|\+|&)\s*", text.strip(), flags=re.IGNORECASE)
    if len(parts) < 2:
        return []
    found = [pick(part) for part in parts]
    if any(p is None or p == LATEST for p in found):
        return []
    return list(dict.fromkeys(p for p in found if p is not None))
