"""Bilingual word lists for the demo catalog, and the functions that assemble names and texts.

Each leaf category says what it sells (kinds), what those are made of or known for (materials),
how they are styled (styles), a few sentences a copywriter would write about them (features), which
variant options they come in and at what prices. Names and descriptions are assembled from these in
English and Simplified Chinese at once, so the two always describe the same product.

The words themselves are data, in demo/data/: one file per top-level category (tops/<slug>.json),
catalog.json (the order of the tops, colour palettes, option values, brands, bought-together
leaves), places.json (merchants, warehouses, shoppers' cities and streets) and reviews.json. A
bilingual term is written "English|中文". This module reads each file once and builds the frozen
records the generator draws from.

Plain data and string assembly: no Django imports.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> Any:
    """The parsed JSON file demo/data/<name>.json, read once per process."""
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Term:
    en: str
    zh: str


@dataclass(frozen=True)
class Kind:
    """One kind of product a leaf sells (the product's type: "Charging Cable", "Phone Case"); may
    narrow the leaf's materials, styles, price, options, and name the drawing of its pictures
    (demo/drawings.py SHAPES; catalog.json "kind_shapes", else the leaf's shape)."""

    term: Term
    materials: tuple[Term, ...] = ()
    styles: tuple[Term, ...] | None = None
    price: tuple[int, int] | None = None
    options: str | None = None
    shape: str | None = None

    @property
    def slug(self) -> str:
        """'Charging Cable' -> 'charging-cable', "Pu'er Tea" -> 'pu-er-tea'."""
        return re.sub(r"[^a-z0-9]+", "-", self.term.en.lower()).strip("-")


@dataclass(frozen=True)
class Leaf:
    slug: str
    name: Term
    blurb: Term
    kinds: tuple[Kind, ...]
    materials: tuple[Term, ...]
    styles: tuple[Term, ...]
    features: tuple[Term, ...]
    options: str
    price: tuple[int, int]
    weight: tuple[int, int]
    shape: str
    colours: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    en_pattern: str = "{brand} {style} {material} {kind} {series}"
    zh_pattern: str = "{brand} {style}{material}{kind} {series}"
    # How much of the catalog and of the traffic this leaf gets, relative to the others.
    share: float = 1.0
    # Whether the top's sentence about the material reads well for this leaf's materials.
    material_line: bool = True


@dataclass(frozen=True)
class Top:
    slug: str
    name: Term
    blurb: Term
    openers: tuple[Term, ...]
    material_lines: tuple[Term, ...]
    closers: tuple[Term, ...]
    leaves: tuple[Leaf, ...]
    # Background and object colours of the product pictures.
    backgrounds: tuple[tuple[str, str], ...]
    inks: tuple[str, ...]
    reviews_good: tuple[Term, ...] = ()
    reviews_bad: tuple[Term, ...] = ()
    lower_materials: bool = True


@dataclass(frozen=True)
class Brand:
    name: str
    tops: tuple[str, ...]


@dataclass(frozen=True)
class MerchantSpec:
    name: str
    slug: str
    tops: tuple[str, ...]


@dataclass(frozen=True)
class WarehouseSpec:
    code: str
    name: str
    province: str
    city: str
    district: str
    street: str
    latitude: str
    longitude: str


@dataclass(frozen=True)
class City:
    province: str
    city: str
    postal: str
    districts: tuple[str, ...]
    weight: float


# --- Reading the data files ------------------------------------------------------------------
def _t(pair: str) -> Term:
    en, zh = pair.split("|")
    return Term(en, zh)


def _ts(pairs: list[str]) -> tuple[Term, ...]:
    return tuple(_t(p) for p in pairs)


def _range(pair: list[int] | None) -> tuple[int, int] | None:
    return None if pair is None else (pair[0], pair[1])


_CATALOG = load("catalog")
_PLACES = load("places")
_REVIEWS = load("reviews")

# Price ranges (yuan) of kinds that cost much more or less than the rest of their leaf.
KIND_PRICES: dict[str, tuple[int, int]] = {
    kind: (low, high) for kind, (low, high) in _CATALOG["kind_prices"].items()
}

# Colour keys, as known to catalog/attributes.py (VALUE_NAMES / SWATCHES), in named palettes.
COLOURS: dict[str, tuple[str, ...]] = {
    name: tuple(colours) for name, colours in _CATALOG["colours"].items()
}
APPAREL_COLOURS = COLOURS["apparel"]
BRIGHT_COLOURS = COLOURS["bright"]
TECH_COLOURS = COLOURS["tech"]
HOME_COLOURS = COLOURS["home"]
SHADE_COLOURS = COLOURS["shade"]

# The drawing of each kind's pictures (demo/images.py SHAPES), by the kind's English name.
KIND_SHAPES: dict[str, str] = dict(_CATALOG["kind_shapes"])

_OPTIONS: dict[str, tuple[str, ...]] = {
    name: tuple(values) for name, values in _CATALOG["options"].items()
}
APPAREL_SIZES = _OPTIONS["apparel_sizes"]
SOCK_SIZES = _OPTIONS["sock_sizes"]
SHOE_SIZES = _OPTIONS["shoe_sizes"]
CAPACITIES = _OPTIONS["capacities"]
BED_SIZES = _OPTIONS["bed_sizes"]
PAN_SIZES = _OPTIONS["pan_sizes"]
VOLUMES = _OPTIONS["volumes"]
BOTTLE_VOLUMES = _OPTIONS["bottle_volumes"]
TEA_WEIGHTS = _OPTIONS["tea_weights"]
COFFEE_WEIGHTS = _OPTIONS["coffee_weights"]
SNACK_WEIGHTS = _OPTIONS["snack_weights"]
FLAVOURS = _OPTIONS["flavours"]
DUMBBELL_WEIGHTS = _OPTIONS["dumbbell_weights"]


def _kind(data: str | dict[str, Any]) -> Kind:
    """A kind written as "English|中文", or as an object that narrows the leaf's materials
    ("materials"), styles ("styles"; [] for none), price ("price") or options ("options"), or
    names its drawing ("shape", else catalog.json's "kind_shapes")."""
    if isinstance(data, str):
        data = {"kind": data}
    term = _t(data["kind"])
    styles = data.get("styles")
    return Kind(
        term,
        _ts(data.get("materials", [])),
        None if styles is None else _ts(styles),
        _range(data.get("price")) or KIND_PRICES.get(term.en),
        data.get("options"),
        data.get("shape") or KIND_SHAPES.get(term.en),
    )


def _leaf(data: dict[str, Any]) -> Leaf:
    colours = data.get("colours", [])
    extra = {
        key: data[key]
        for key in ("en_pattern", "zh_pattern", "share", "material_line")
        if key in data
    }
    return Leaf(
        slug=data["slug"],
        name=_t(data["name"]),
        blurb=_t(data["blurb"]),
        kinds=tuple(_kind(kind) for kind in data["kinds"]),
        materials=_ts(data["materials"]),
        styles=_ts(data["styles"]),
        features=_ts(data["features"]),
        options=data["options"],
        price=_range(data["price"]),
        weight=_range(data["weight"]),
        shape=data["shape"],
        # A palette's name, or the colours themselves.
        colours=COLOURS[colours] if isinstance(colours, str) else tuple(colours),
        series=tuple(data.get("series", [])),
        **extra,
    )


def _top(data: dict[str, Any]) -> Top:
    return Top(
        slug=data["slug"],
        name=_t(data["name"]),
        blurb=_t(data["blurb"]),
        openers=_ts(data["openers"]),
        material_lines=_ts(data["material_lines"]),
        closers=_ts(data["closers"]),
        leaves=tuple(_leaf(leaf) for leaf in data["leaves"]),
        backgrounds=tuple((back, fore) for back, fore in data["backgrounds"]),
        inks=tuple(data["inks"]),
        reviews_good=_ts(data.get("reviews_good", [])),
        reviews_bad=_ts(data.get("reviews_bad", [])),
        lower_materials=data.get("lower_materials", True),
    )


TOPS: tuple[Top, ...] = tuple(_top(load(f"tops/{slug}")) for slug in _CATALOG["tops"])

# Book series text in Chinese.
_SERIES_ZH: dict[str, str] = dict(_CATALOG["series_zh"])

# Leaves whose products are often bought together (the recommender should find these pairs).
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    leaf: tuple(others) for leaf, others in _CATALOG["complements"].items()
}

BRANDS: tuple[Brand, ...] = tuple(
    Brand(name, tuple(tops)) for name, tops in _CATALOG["brands"].items()
)

MERCHANTS: tuple[MerchantSpec, ...] = tuple(
    MerchantSpec(m["name"], m["slug"], tuple(m["tops"])) for m in _PLACES["merchants"]
)

WAREHOUSES: tuple[WarehouseSpec, ...] = tuple(
    WarehouseSpec(**warehouse) for warehouse in _PLACES["warehouses"]
)

# Places for shoppers' addresses: province, city, postal-code prefix, districts, weight.
CITIES: tuple[City, ...] = tuple(
    City(c["province"], c["city"], c["postal"], tuple(c["districts"]), c["weight"])
    for c in _PLACES["cities"]
)
STREET_ROOTS: tuple[str, ...] = tuple(_PLACES["street_roots"])
STREET_SUFFIXES: tuple[str, ...] = tuple(_PLACES["street_suffixes"])
ESTATES: tuple[str, ...] = tuple(_PLACES["estates"])
ESTATE_ROOTS: tuple[str, ...] = tuple(_PLACES["estate_roots"])

# Review titles and bodies by star rating.
REVIEW_TITLES: dict[int, tuple[Term, ...]] = {
    int(stars): _ts(titles) for stars, titles in _REVIEWS["titles"].items()
}
REVIEW_BODIES: dict[int, tuple[Term, ...]] = {
    int(stars): _ts(bodies) for stars, bodies in _REVIEWS["bodies"].items()
}


# --- Assembly --------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")

# Words that keep their capital inside a sentence.
_PROPER = frozenset(_CATALOG["proper_words"])


def _lower_word(word: str) -> str:
    """'Running' -> 'running', 'T-Shirt' -> 'T-shirt', 'USB-C' stays, '5G' stays."""
    if word in _PROPER:
        return word
    parts = word.split("-")
    out = []
    for part in parts:
        if len(part) > 1 and part[0].isupper() and part[1:].islower():
            out.append(part.lower())
        else:
            out.append(part)
    return "-".join(out)


def lower_phrase(text: str) -> str:
    return " ".join(_lower_word(w) for w in text.split(" "))


def is_plural(noun: str) -> bool:
    """'Running Shoes', 'Chinos' are plural; 'Dumbbell Set', 'Glass' are not."""
    return noun.endswith("s") and not noun.endswith("ss")


def _fill(pattern: str, **slots: str) -> str:
    return _SPACES.sub(" ", pattern.format(**slots)).strip()


@dataclass(frozen=True)
class ProductWords:
    """The words chosen for one product; names and descriptions are assembled from them."""

    top: Top
    leaf: Leaf
    kind: Kind
    brand: str
    material: Term | None
    style: Term | None
    series: str = ""
    sentences: tuple[Term, ...] = field(default=())

    @property
    def options(self) -> str:
        return self.kind.options or self.leaf.options

    @property
    def price_range(self) -> tuple[int, int]:
        return self.kind.price or self.leaf.price

    @property
    def shape(self) -> str:
        return self.kind.shape or self.leaf.shape


def choose_words(rng: random.Random, top: Top, leaf: Leaf, brand: str) -> ProductWords:
    kind = rng.choice(leaf.kinds)
    materials = kind.materials or leaf.materials
    styles = leaf.styles if kind.styles is None else kind.styles
    material = rng.choice(materials) if materials else None
    style = rng.choice(styles) if styles else None
    # Names leave out a word now and then, as real listings do; series are for some products only.
    if style is not None and "{style}" in leaf.en_pattern and rng.random() < 0.25:
        style = None
    series = rng.choice(leaf.series) if leaf.series and rng.random() < 0.7 else ""
    features = rng.sample(leaf.features, k=min(len(leaf.features), rng.choice((1, 2, 2))))
    sentences = [rng.choice(top.openers), *features]
    if material is not None and leaf.material_line and top.material_lines and rng.random() < 0.6:
        sentences.insert(1, rng.choice(top.material_lines))
    if len(sentences) < 4 and rng.random() < 0.6:
        sentences.append(rng.choice(top.closers))
    return ProductWords(top, leaf, kind, brand, material, style, series, tuple(sentences[:4]))


def product_name(words: ProductWords) -> Term:
    leaf, material, style = words.leaf, words.material, words.style
    series_zh = _SERIES_ZH.get(words.series, words.series)
    en = _fill(
        leaf.en_pattern,
        brand=words.brand,
        style=style.en if style else "",
        material=material.en if material else "",
        kind=words.kind.term.en,
        series=words.series,
    )
    zh = _fill(
        leaf.zh_pattern,
        brand=words.brand,
        style=style.zh if style else "",
        material=material.zh if material else "",
        kind=words.kind.term.zh,
        series=series_zh,
    )
    return Term(en, zh.replace(" （", "（"))  # noqa: RUF001 (the series in brackets)


_NUMERALS = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def unique_name(name: Term, taken: set[str]) -> Term:
    """`name`, or, when its English or Chinese is already in `taken`, the same name with the next
    model numeral ("Lumen Cotton T-Shirt II", "... III"): two products never share a name, and
    no random draw is spent on it (so the rest of the catalog stays the same). Adds the result's
    English and Chinese to `taken`."""
    candidate, number = name, 0
    while candidate.en in taken or candidate.zh in taken:
        suffix = _NUMERALS[number] if number < len(_NUMERALS) else str(number + 2)
        candidate = Term(f"{name.en} {suffix}", f"{name.zh} {suffix}")
        number += 1
    taken.update((candidate.en, candidate.zh))
    return candidate


def product_description(words: ProductWords, name: Term) -> Term:
    material = words.material
    material_en = ""
    if material is not None:
        material_en = lower_phrase(material.en) if words.top.lower_materials else material.en
    kind_l = lower_phrase(words.kind.term.en)
    plural = is_plural(words.kind.term.en)
    slots_en = {
        "name": name.en,
        "brand": words.brand,
        "kind_l": kind_l,
        "a_kind_l": kind_l if plural else f"{'an' if kind_l[0] in 'aeiou' else 'a'} {kind_l}",
        "this_kind_l": f"{'these' if plural else 'this'} {kind_l}",
        "is": "are" if plural else "is",
        "it": "they" if plural else "it",
        "material_l": material_en,
        "material": material.en if material else "",
    }
    slots_zh = {
        "name": name.zh,
        "brand": words.brand,
        "kind": words.kind.term.zh,
        "material": material.zh if material else "",
    }
    # A book title may begin with "The": "The The Essential Running Guide" must not happen.
    en = " ".join(s.en.format(**slots_en) for s in words.sentences)
    en = en.replace("The The ", "The ").replace("the The ", "the ")
    zh = "".join(s.zh.format(**slots_zh) for s in words.sentences)
    return Term(en, zh)


def leaves() -> list[tuple[Top, Leaf]]:
    return [(top, leaf) for top in TOPS for leaf in top.leaves]
