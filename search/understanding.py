"""Reading a query before it is matched, in English and Chinese: a price range ("under 500",
"100-200元", "一百元以内"), a wish for cheap things ("cheap", "便宜") and colours ("red", "藏青色")
become filters; the rest of the text is matched as words.

`read(text)` returns a Reading: what it understood, each part with the span of the typed text it
came from (so the results page can offer to search again without it), and the text left to match.

A number is a price only with a price word ("under", "以下", "到" between two numbers), a currency
("¥300", "300元", "300 yuan") or as a range ("100-200"); a model number ("X1"), a size ("42", "size
38-42") or a quantity with its unit ("under 5 kg", "3-4人") is not. A colour word followed by what
it names in a product ("black tea", "green tea", "red wine", "olive oil") is not a colour, nor is
one with no other word to qualify ("black" alone is matched as a word, anywhere); in
Chinese only the colour's full name is one ("红色", "藏青"), never a bare character (红茶 is black
tea, 白酒 a spirit). Plain Python: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PRICE = "price"
CHEAP = "cheap"
COLOUR = "colour"

# Colour keys (catalog.attributes.SWATCHES) by the words shoppers use for them.
COLOUR_WORDS = {
    "black": "black",
    "white": "white",
    "grey": "grey",
    "gray": "grey",
    "red": "red",
    "blue": "blue",
    "navy blue": "navy",
    "navy": "navy",
    "green": "green",
    "olive": "olive",
    "beige": "beige",
    "khaki": "beige",
    "pink": "pink",
    "yellow": "yellow",
    "orange": "orange",
    "purple": "purple",
    "violet": "purple",
    "brown": "brown",
    "silver": "silver",
    "gold": "gold",
    "golden": "gold",
}

ZH_COLOUR_WORDS = {
    "黑色": "black",
    "白色": "white",
    "灰色": "grey",
    "红色": "red",
    "蓝色": "blue",
    "藏青色": "navy",
    "藏青": "navy",
    "藏蓝色": "navy",
    "藏蓝": "navy",
    "海军蓝": "navy",
    "深蓝色": "navy",
    "绿色": "green",
    "橄榄绿": "olive",
    "橄榄色": "olive",
    "军绿色": "olive",
    "米色": "beige",
    "卡其色": "beige",
    "粉色": "pink",
    "粉红色": "pink",
    "黄色": "yellow",
    "橙色": "orange",
    "橘色": "orange",
    "紫色": "purple",
    "棕色": "brown",
    "咖啡色": "brown",
    "褐色": "brown",
    "银色": "silver",
    "金色": "gold",
}

# Words that, after a colour word, name a kind of food or drink rather than a colour of it.
NOT_A_COLOUR_BEFORE = frozenset(
    {
        "tea", "teas", "wine", "wines", "oil", "juice", "pepper", "peppercorns", "chocolate",
        "rice", "sugar", "beans", "noodles", "vinegar", "sesame", "truffle",
    }
)  # fmt: skip

CHEAP_WORDS = r"cheap|cheapest|budget|affordable|inexpensive|low[- ]cost|bargain"
ZH_CHEAP_WORDS = r"(?:便宜|实惠|平价|低价)(?:一?点)?的?|性价比高的?"

# Units after a number that make it a quantity, not a price.
_UNITS = (
    r"kg|g|mg|lb|lbs|oz|mm|cm|m|km|inch|inches|ft|l|ml|gb|tb|mb|mah|w|kw|v|hz|mp|"
    r"x|p|pcs|pieces|pack|packs|person|persons|people|seats?|years?|yrs?|months?|weeks?|days?|"
    r"hours?|mins?|minutes?|pages|sheets|cups|pairs?|sizes?|eu|us|uk"
)
_ZH_UNITS = "人岁码寸升克斤米个件只片包瓶袋盒支双套张本层毫厘公英天年月周小分度瓦号"

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_DIGITS = "零一二两三四五六七八九十百千万"
# "5k" is 5,000.
_NUMBER = rf"(?:(?:{_DIGITS})k?|[{_ZH_DIGITS}]+)"
_CURRENCY_BEFORE = r"[¥$]|rmb|cny"
_CURRENCY_AFTER = r"yuan|rmb|cny|kuai|dollars?|元|块钱|块"
_NOT_UNIT = rf"(?!\s*(?:{_UNITS})\b)(?!\s*[%{_ZH_UNITS}])"
# An amount: a number, with or without its currency, that is not part of a word or a longer
# number ("X1", "1.5") and not followed by a unit.
_AMOUNT = (
    rf"(?:(?:{_CURRENCY_BEFORE})\s*|(?<![A-Za-z0-9_.]))(?P<{{name}}>{_NUMBER})"
    rf"(?:\s*(?:{_CURRENCY_AFTER}))?{_NOT_UNIT}(?![A-Za-z0-9_.])"
)
_PRICED = rf"(?:{_CURRENCY_BEFORE})\s*{_NUMBER}|{_NUMBER}\s*(?:{_CURRENCY_AFTER})"


def _amount(name: str) -> str:
    return _AMOUNT.replace("{name}", name)


_UNDER = (
    r"\b(?:under|below|less\s+than|cheaper\s+than|up\s+to|at\s+most|no\s+more\s+than|"
    r"not\s+more\s+than|within)|<=?|≤|低于|少于|小于|不超过|不高于|不到|最多|最高"
)
_OVER = r"\b(?:over|above|more\s+than|at\s+least)|>=?|≥|高于|超过|大于|不低于|至少|起码|最低"
_TO = r"-|\u2013|\u2014|~|to|到|至"  # hyphen, en and em dash, tilde
_SIZE = r"(?<!size\s)(?<!sizes\s)(?<!尺码)(?<!码数)"

# (kind of bound, pattern), tried in this order; each pattern's amounts are named low/high.
_PRICE_PATTERNS = [
    ("range", rf"\bbetween\s+{_amount('low')}\s+and\s+{_amount('high')}"),
    ("range", rf"(?:\bfrom\s+)?{_SIZE}{_amount('low')}\s*(?:{_TO})\s*{_amount('high')}"),
    ("max", rf"(?:{_UNDER})\s*{_amount('high')}"),
    ("min", rf"(?:{_OVER})\s*{_amount('low')}"),
    ("max", rf"{_amount('high')}\s*(?:以下|以内|之内|封顶|or\s+less|or\s+under|and\s+under)"),
    ("min", rf"{_amount('low')}\s*(?:以上|起|\+|or\s+more|and\s+up|and\s+above|or\s+above)"),
    ("max", rf"(?={_PRICED}){_amount('high')}"),
]
_PRICE_RES = [
    (bound, re.compile(pattern + r"(?:\s*的)?", re.IGNORECASE))
    for bound, pattern in _PRICE_PATTERNS
]

_CHEAP_RE = re.compile(rf"\b(?:{CHEAP_WORDS})\b|(?:{ZH_CHEAP_WORDS})", re.IGNORECASE)
_COLOUR_RE = re.compile(
    r"\b(?P<word>"
    + "|".join(sorted((re.escape(w) for w in COLOUR_WORDS), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(r"\s+([a-z]+)", re.IGNORECASE)
_ZH_COLOUR_RE = re.compile(
    "(?:"
    + "|".join(sorted((re.escape(w) for w in ZH_COLOUR_WORDS), key=len, reverse=True))
    + ")(?:的)?"
)


@dataclass(frozen=True)
class Part:
    """One thing understood, from the typed text's characters start:end."""

    kind: str  # PRICE, CHEAP or COLOUR
    start: int
    end: int
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    colour: str = ""


@dataclass(frozen=True)
class Reading:
    typed: str  # the query as read (see `clean`)
    parts: tuple[Part, ...]
    text: str  # what is left to match as words

    @property
    def price_min(self) -> Decimal | None:
        lows = [p.price_min for p in self.parts if p.price_min is not None]
        return max(lows) if lows else None

    @property
    def price_max(self) -> Decimal | None:
        highs = [p.price_max for p in self.parts if p.price_max is not None]
        return min(highs) if highs else None

    @property
    def cheap(self) -> bool:
        return any(p.kind == CHEAP for p in self.parts)

    @property
    def colours(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.colour for p in self.parts if p.kind == COLOUR))

    def words(self, part: Part) -> str:
        """The words `part` was read from, as typed."""
        return self.typed[part.start : part.end].strip()

    def without(self, part: Part) -> str:
        """The typed query without the words of `part`."""
        return without(self.typed, part)


def clean(text: str) -> str:
    """The text as read: NFKC (full-width digits and ¥ become ASCII ones), single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def read(text: str, *, colours: bool = True) -> Reading:
    """What `text` asks for besides words. `colours=False`: colour words stay words."""
    typed = clean(text)
    taken = [False] * len(typed)
    parts: list[Part] = []

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def take(part: Part) -> None:
        for i in range(part.start, part.end):
            taken[i] = True
        parts.append(part)

    for bound, pattern in _PRICE_RES:
        for match in pattern.finditer(typed):
            if not free(*match.span()):
                continue
            groups = match.groupdict()
            low = _number(groups.get("low"))
            high = _number(groups.get("high"))
            if (bound != "max" and low is None) or (bound != "min" and high is None):
                continue
            if bound == "range" and not (low is not None and high is not None and low < high):
                continue
            take(
                Part(PRICE, *match.span(), price_min=low if bound != "max" else None,
                     price_max=high if bound != "min" else None)
            )  # fmt: skip
    for match in _CHEAP_RE.finditer(typed):
        if free(*match.span()):
            take(Part(CHEAP, *match.span()))
    if colours:
        for match in _COLOUR_RE.finditer(typed):
            following = _NEXT_WORD.match(typed, match.end())
            if following and following.group(1).lower() in NOT_A_COLOUR_BEFORE:
                continue
            start, end = match.span()
            if free(start, end):
                take(Part(COLOUR, start, end, colour=COLOUR_WORDS[match.group("word").lower()]))
        for match in _ZH_COLOUR_RE.finditer(typed):
            if free(*match.span()):
                word = match.group().removesuffix("的")
                take(Part(COLOUR, *match.span(), colour=ZH_COLOUR_WORDS[word]))
    parts.sort(key=lambda p: p.start)
    rest = _collapse("".join(" " if taken[i] else char for i, char in enumerate(typed)))
    if not rest and any(p.kind == COLOUR for p in parts):
        # A colour qualifies a thing ("red running shoes"); alone it is the word to match.
        return read(text, colours=False)
    return Reading(typed=typed, parts=tuple(parts), text=rest)


def without(text: str, part: Part) -> str:
    """`text` (as typed: the text `part` was read from) without the words of `part`."""
    typed = clean(text)
    return _collapse(typed[: part.start] + " " + typed[part.end :])


def _collapse(text: str) -> str:
    return " ".join(text.split())


_ZH_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九") if i} | {"两": 2}
_ZH_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}


def _number(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    if raw[0].isdigit():
        thousands = raw[-1] in "kK"
        try:
            value = Decimal(raw.rstrip("kK").replace(",", ""))
        except InvalidOperation:
            return None
        return value * 1000 if thousands else value
    return _zh_number(raw)


def _zh_number(raw: str) -> Decimal | None:
    """一百 -> 100, 三百五 -> 350, 一百零五 -> 105, 两万 -> 20000: a Chinese numeral."""
    total = section = 0
    digit: int | None = None
    last_unit, after_zero = 1, False
    for char in raw:
        if char == "零":
            after_zero = True
        elif char in _ZH_DIGIT_VALUES:
            if digit is not None:
                return None  # two digits in a row: a list of numbers, not one
            digit = _ZH_DIGIT_VALUES[char]
        elif char in _ZH_UNIT_VALUES:
            unit = _ZH_UNIT_VALUES[char]
            if digit is None and unit != 10:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit, after_zero = None, unit, False
        else:  # 万
            total += (section + (digit or 0)) * 10_000
            section, digit, last_unit, after_zero = 0, None, 10_000, False
    if digit is not None:
        # 三百五: a digit right after a unit counts one unit lower (350, not 305).
        section += digit * (last_unit // 10 if last_unit >= 100 and not after_zero else 1)
    value = total + section
    return Decimal(value) if value else None
