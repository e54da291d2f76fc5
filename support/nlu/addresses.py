"""A delivery address typed into the chat, read into the checkout's fields: one line as people
write it in Chinese ("张三 13800138000 浙江省杭州市西湖区文三路100号"), or labelled fields
("recipient: Zhang San; phone: 13800138000; province: 浙江省; city: 杭州市; district: 西湖区;
street: 文三路100号"). Places are matched against the region table (accounts.regions), full
names or without their suffix ("浙江杭州西湖区"). What is read is checked afterwards exactly as
checkout checks it (accounts.forms.AddressForm). No Django."""

from __future__ import annotations

import re
from functools import lru_cache

from accounts import regions
from accounts.regions import Region

_PHONE = re.compile(r"(?:\+?86[\s\-]?)?(1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4})(?!\d)")
_POSTAL = re.compile(r"(?<!\d)(\d{6})(?!\d)")
_LABELS = {
    "recipient": "recipient", "name": "recipient", "收件人": "recipient", "姓名": "recipient",
    "phone": "phone", "mobile": "phone", "tel": "phone", "电话": "phone", "手机": "phone",
    "province": "province", "省": "province", "city": "city", "市": "city",
    "district": "district", "区": "district", "street": "street", "address": "street",
    "详细地址": "street", "街道": "street", "postal code": "postal_code", "postcode": "postal_code",
    "zip": "postal_code", "zip code": "postal_code", "邮编": "postal_code",
}  # fmt: skip
_LABELLED = re.compile(
    r"(" + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)) + r")\s*[:：=]\s*"
    r"([^;\n；,，]+)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"(请|帮我|把|将|我的|新的?|收货|配送|送货|地址|改成|改为|改到|换成|换到|变更为|修改为|修改成|"
    r"送到|寄到|发到|是|为|:|：|change|the|address|to|my|new|deliver|ship|please|it|is)",
    re.IGNORECASE,
)
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区",
             "省", "市", "盟", "区", "县")  # fmt: skip
_UNKNOWN_CITY = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:市|州|盟|地区))")
_UNKNOWN_DISTRICT = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:区|县|市|旗))")
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$|^[A-Za-z][A-Za-z .'-]{1,40}$")


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _find(text: str, places) -> tuple[object, int, int] | None:
    """The place among `places` named earliest in `text` (full name first, then short name):
    (place, start, end)."""
    best = None
    for place in places:
        for name in (place.name, _short(place.name)):
            at = text.find(name)
            if at >= 0 and (
                best is None or at < best[1] or (at == best[1] and at + len(name) > best[2])
            ):
                best = (place, at, at + len(name))
                break
    return best


def _labelled(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for label, value in _LABELLED.findall(text):
        key = _LABELS[label.lower()] if label.lower() in _LABELS else _LABELS.get(label)
        if key and value.strip():
            fields.setdefault(key, value.strip())
    return fields


def parse_address(text: str) -> dict[str, str]:
    """The address fields the message holds (recipient, phone, province, city, district, street,
    postal_code), each only when found; {} when it names no place of the region table."""
    fields = _labelled(text)
    if {"province", "city", "district"} <= fields.keys():
        return fields
    rest = text
    phone = _PHONE.search(rest)
    if phone:
        fields.setdefault("phone", re.sub(r"[\s\-]", "", phone.group(1)))
        rest = rest[: phone.start()] + " " + rest[phone.end() :]
    postal = _POSTAL.search(rest)
    if postal:
        fields.setdefault("postal_code", postal.group(1))
        rest = rest[: postal.start()] + " " + rest[postal.end() :]
    found = _find(rest, regions.provinces())
    if found is None:
        return {}
    province, start, end = found
    fields["province"] = province.name
    before, after = rest[:start], rest[end:]
    town = _find(after, regions.cities(province.code))
    if town is not None and town[1] <= 1:
        city = town[0]
        after = after[town[2] :]
    else:
        cities = regions.cities(province.code)
        # A municipality's one city carries its name ("上海市浦东新区").
        same = [c for c in cities if c.name == province.name]
        if not same:
            # Not a city of that province: keep what was typed, so checkout's rules say so.
            typed = _UNKNOWN_CITY.match(after.strip())
            if typed:
                fields["city"] = typed.group(1)
            return fields
        city = same[0]
    fields["city"] = city.name
    place = _find(after, regions.districts(city.code))
    if place is None or place[1] > 1:
        typed = _UNKNOWN_DISTRICT.match(after.strip())
        if typed:
            fields["district"] = typed.group(1)
            street = after.strip()[typed.end() :].split()
            if street:
                fields["street"] = street[0]
        return fields
    fields["district"] = place[0].name
    after = after[place[2] :]
    parts = [p for p in re.split(r"[\s,，;；]+", after.strip()) if p]
    street, names = [], []
    for part in parts:
        if not street or not _NAME.match(part):
            street.append(part)
        else:
            names.append(part)
    if street:
        fields.setdefault(
            "street", "".join(street) if _has_han("".join(street)) else " ".join(street)
        )
    name_before = [
        p for p in re.split(r"[\s,，;；]+", _FILLER.sub(" ", before)) if p and _NAME.match(p)
    ]
    recipient = (name_before or names or [""])[-1].strip()
    if recipient:
        fields.setdefault("recipient", recipient)
    return fields


def _has_han(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


# English names that are not the pinyin of the Chinese one.
_ENGLISH = {
    "innermongolia": "内蒙古自治区",
    "tibet": "西藏自治区",
    "canton": "广州市",
    "lhasa": "拉萨市",
    "harbin": "哈尔滨市",
    "urumqi": "乌鲁木齐市",
    "hohhot": "呼和浩特市",
    "kashgar": "喀什地区",
}


@lru_cache(maxsize=1)
def _pinyin_places() -> dict[str, Region]:
    """Provinces and cities by their name in pinyin, without tones or suffix ("shanghai",
    "xinjiang", "chongqing", "xiamen"), as English speakers write them. Names two places share
    in different provinces (福州 and 抚州 are both "fuzhou") are left out: a question naming one
    is asked where exactly; a municipality and its one city of the same name keep the city."""
    from pypinyin import lazy_pinyin

    found: dict[str, list[Region]] = {}
    for province in regions.provinces():
        for place in (province, *regions.cities(province.code)):
            key = "".join(lazy_pinyin(_short(place.name))).lower()
            found.setdefault(key, []).append(place)
    places: dict[str, Region] = {}
    for key, candidates in found.items():
        provinces_of = {place.code[:2] for place in candidates}
        if len(provinces_of) == 1:
            places[key] = candidates[-1]  # the most specific: a city after its province
    for english, chinese in _ENGLISH.items():
        for province in regions.provinces():
            for place in (province, *regions.cities(province.code)):
                if place.name == chinese:
                    places[english] = place
    return places


def _english_place(text: str) -> Region | None:
    """The province or city an English message names ("delivery to Xi'an", "ship to Inner
    Mongolia"): one word, or two short words written apart."""
    words = re.findall(r"[a-z]+", text.lower())
    places = _pinyin_places()
    for i, word in enumerate(words):
        if i + 1 < len(words) and len(word) <= 6 and len(words[i + 1]) <= 9:
            pair = places.get(word + words[i + 1])
            if pair is not None:
                return pair
        if len(word) >= 4 and word in places:
            return places[word]
    return None


def _district_for(place: Region) -> str:
    """A district standing for a province (its first city's first) or a city (its first)."""
    if place.level == regions.PROVINCE:
        cities = regions.cities(place.code)
        if not cities:
            return ""
        place = cities[0]
    districts = regions.districts(place.code)
    return districts[0].code if districts else ""


def place_named(text: str) -> str:
    """The code of a district standing for the place the message names (a province, a city or
    a district of the region table, full or short name, or a province or city in pinyin): the
    named district, or the first district of the named city, or of the province's first city.
    "" when it names none."""
    if not _has_han(text):
        english = _english_place(text)
        return _district_for(english) if english is not None else ""
    found = _find(text, regions.provinces())
    if found is None:
        for province in regions.provinces():
            town = _find(text, regions.cities(province.code))
            if town is not None and len(_short(town[0].name)) >= 2:
                districts = regions.districts(town[0].code)
                place = _find(text[town[2] :], districts)
                if place is not None and place[1] <= 1:
                    return place[0].code
                return districts[0].code if districts else ""
        return ""
    province, _start, end = found
    after = text[end:]
    cities = regions.cities(province.code)
    town = _find(after, cities)
    city = town[0] if town is not None else (cities[0] if cities else None)
    if city is None:
        return ""
    districts = regions.districts(city.code)
    place = _find(after[town[2] :] if town is not None else after, districts)
    if place is not None:
        return place[0].code
    return districts[0].code if districts else ""
