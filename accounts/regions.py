"""Mainland China's administrative divisions (province → city → district) with coordinates, for
addresses, delivery zones and distances; and mobile-number and postal-code checks. No Django
imports.

The table is the national administrative division codes as the `cpca` package ships them
(`cpca/resources/adcodes.csv`: code, name, longitude, latitude), read once, without importing
cpca itself (which loads pandas). It is arranged the way Chinese shops present it:

- the four municipalities (北京, 天津, 上海, 重庆) have one city named like the province, whose
  districts are the municipality's districts and counties;
- county-level cities governed by their province directly (济源, 仙桃, 五指山 ...) and cities
  with no districts (东莞, 中山, 儋州, 嘉峪关) are cities whose one district is the city itself;
- a district with no coordinates in the table takes its city's (and a city its province's).

The shop delivers within the mainland: Hong Kong, Macau and Taiwan use other mobile-number and
postal-code formats and are not offered."""

from __future__ import annotations

import csv
import importlib.util
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROVINCE, CITY, DISTRICT = 1, 2, 3
MUNICIPALITIES = ("11", "12", "31", "50")
NOT_MAINLAND = ("71", "81", "82")
# Placeholders in the code table that are not places a shopper would pick.
_PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Region:
    code: str  # six digits: 2 for the province, 2 for the city, 2 for the district
    name: str
    level: int  # PROVINCE, CITY or DISTRICT
    parent: str  # the code of the province (a city's) or the city (a district's); "" for a province
    latitude: float
    longitude: float


class RegionError(ValueError):
    """An address's province, city or district that the table does not have in that place."""

    def __init__(self, field: str, value: str, parent: str = ""):
        self.field, self.value, self.parent = field, value, parent
        super().__init__(f"{field} {value!r} not found{f' in {parent}' if parent else ''}")


@dataclass
class _Table:
    provinces: list[Region]
    cities: dict[str, list[Region]]  # province code -> its cities
    districts: dict[str, list[Region]]  # city code -> its districts
    by_code: dict[tuple[int, str], Region]  # (level, code) -> region


def _source() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the region table needs the cpca package (pip install cpca)")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _rows(path: Path) -> dict[str, tuple[str, float | None, float | None]]:
    rows = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["adcode"][:6]
            if row["adcode"][6:].strip("0") or code[:2] in NOT_MAINLAND:
                continue
            lon, lat = row["longitude"], row["latitude"]
            rows[code] = (row["name"], float(lat) if lat else None, float(lon) if lon else None)
    return rows


@cache
def _table() -> _Table:
    rows = _rows(_source())
    coords: dict[str, tuple[float, float]] = {}
    provinces = []
    for code, (name, lat, lon) in sorted(rows.items()):
        if code[2:] == "0000":
            coords[code] = (lat or 0.0, lon or 0.0)
            provinces.append(Region(code, name, PROVINCE, "", *coords[code]))
    province_names = {p.code: p.name for p in provinces}

    cities: dict[str, list[Region]] = {p.code: [] for p in provinces}
    districts: dict[str, list[Region]] = {}

    def add_city(code: str, name: str, province: str, lat, lon) -> Region:
        where = (lat, lon) if lat is not None else coords[province]
        coords[code] = where
        city = Region(code, name, CITY, province, *where)
        cities[province].append(city)
        districts[code] = []
        return city

    city_of: dict[str, str] = {}  # the city code a district's own city code stands for
    for code, (name, lat, lon) in sorted(rows.items()):
        province = code[:2] + "0000"
        if code[2:] == "0000" or code[4:] != "00" or province not in cities:
            continue
        if code[:2] in MUNICIPALITIES:
            # 市辖区 and (重庆) 县 are one city, named like the province.
            city_of[code] = code[:2] + "0100"
            if code[:2] + "0100" not in districts:
                plat, plon = coords[province]
                add_city(code[:2] + "0100", province_names[province], province, plat, plon)
        elif name in _PLACEHOLDERS:
            city_of[code] = ""  # its children are cities of their own
        else:
            add_city(code, name, province, lat, lon)
            city_of[code] = code

    for code, (name, lat, lon) in sorted(rows.items()):
        if code[4:] == "00" or name in _PLACEHOLDERS:
            continue
        province = code[:2] + "0000"
        if province not in cities:
            continue
        city = city_of.get(code[:4] + "00")
        if city is None:
            continue
        if city == "":  # a county-level city under its province: a city with itself as district
            add_city(code, name, province, lat, lon)
            city = code
        where = (lat, lon) if lat is not None else coords[city]
        districts[city].append(Region(code, name, DISTRICT, city, *where))

    for city_list in cities.values():
        for city in city_list:
            if not districts[city.code]:  # 东莞, 中山 ...: the city is its own one district
                districts[city.code].append(
                    Region(city.code, city.name, DISTRICT, city.code, city.latitude, city.longitude)
                )

    by_code = {(p.level, p.code): p for p in provinces}
    for city_list in cities.values():
        by_code.update({(c.level, c.code): c for c in city_list})
    for district_list in districts.values():
        by_code.update({(d.level, d.code): d for d in district_list})
    return _Table(provinces, cities, districts, by_code)


def provinces() -> list[Region]:
    return list(_table().provinces)


def cities(province_code: str) -> list[Region]:
    return list(_table().cities.get(province_code, ()))


def districts(city_code: str) -> list[Region]:
    return list(_table().districts.get(city_code, ()))


def province(code: str) -> Region | None:
    return _table().by_code.get((PROVINCE, code))


def city(code: str) -> Region | None:
    return _table().by_code.get((CITY, code))


def district(code: str) -> Region | None:
    """The district (level 3) with this code: what addresses store as `region_code`."""
    return _table().by_code.get((DISTRICT, code))


def province_of(district_code: str) -> Region | None:
    return province(district_code[:2] + "0000") if district_code else None


def province_by_name(name: str) -> Region | None:
    return next((p for p in _table().provinces if p.name == name), None)


def city_by_name(province_code: str, name: str) -> Region | None:
    """The city of this name in the province with this code."""
    return next((c for c in _table().cities.get(province_code, ()) if c.name == name), None)


def children(code: str) -> list[Region] | None:
    """The places directly inside the one with this code: a province's cities, a city's
    districts; None for a code that is neither."""
    if province(code) is not None:
        return cities(code)
    if city(code) is not None:
        return districts(code)
    return None


def resolve(province_name: str, city_name: str, district_name: str) -> Region:
    """The district these three names make, or RegionError naming the first that does not fit
    (field "province", "city" or "district", with the place it was looked for in)."""
    table = _table()
    prov = next((p for p in table.provinces if p.name == province_name), None)
    if prov is None:
        raise RegionError("province", province_name)
    town = next((c for c in table.cities[prov.code] if c.name == city_name), None)
    if town is None:
        raise RegionError("city", city_name, prov.name)
    place = next((d for d in table.districts[town.code] if d.name == district_name), None)
    if place is None:
        # A municipality's one city has the municipality's name: "北京市", not "北京市北京市".
        where = prov.name if town.name == prov.name else f"{prov.name}{town.name}"
        raise RegionError("district", district_name, where)
    return place


def province_names() -> tuple[str, ...]:
    return tuple(p.name for p in _table().provinces)


# The provincial-level divisions' names, in code order (the province picker's choices).
PROVINCES: tuple[str, ...] = province_names()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


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
