"""How the demo shoppers behave, so the history has structure a recommender can learn.

Each shopper likes one to three leaf categories and shops in a price band (budget, mid-range or
premium); each product has a popularity (Zipf-like within its leaf, lifted by its quality). Views,
carts and purchases are drawn from a shopper's liked leaves, weighted by popularity and by how well
the price fits the shopper's band; now and then a shopper wanders into another leaf. A few product
pairs are planted as bought together.

Plain Python: no Django imports, so it can be tested and reasoned about alone.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

BANDS = ("budget", "mid", "premium")
# Where in a leaf's price range (0 = cheapest, 1 = dearest) each band feels at home.
_BAND_CENTRE = (0.15, 0.5, 0.85)
_BAND_SPREAD = 0.22
_BAND_FLOOR = 0.08
ZIPF_EXPONENT = 0.95
# How often a shopper looks outside the leaves they like.
EXPLORE = 0.12


@dataclass(frozen=True)
class Taste:
    leaves: tuple[int, ...]
    band: int
    activity: float


@dataclass(frozen=True)
class ProductTraits:
    leaf: int
    price_rank: float  # 0..1 within its leaf
    popularity: float
    quality: float  # 0..1; lifts popularity and ratings


def product_traits(
    rng: random.Random, leaf_of: Sequence[int], prices: Sequence[float]
) -> list[ProductTraits]:
    """Popularity and quality for each product; price rank from its price within its leaf."""
    by_leaf: dict[int, list[int]] = {}
    for index, leaf in enumerate(leaf_of):
        by_leaf.setdefault(leaf, []).append(index)
    quality = [rng.betavariate(4, 2) for _ in leaf_of]
    popularity = [0.0] * len(leaf_of)
    price_rank = [0.5] * len(leaf_of)
    for members in by_leaf.values():
        order = members[:]
        rng.shuffle(order)
        # Better products tend to rank higher, but luck matters more than quality.
        order.sort(key=lambda i: -(quality[i] * 0.6 + rng.random()))
        for rank, index in enumerate(order, start=1):
            popularity[index] = (0.5 + quality[index]) / rank**ZIPF_EXPONENT
        by_price = sorted(members, key=lambda i: prices[i])
        denominator = max(1, len(by_price) - 1)
        for position, index in enumerate(by_price):
            price_rank[index] = position / denominator
    return [
        ProductTraits(leaf_of[i], price_rank[i], popularity[i], quality[i])
        for i in range(len(leaf_of))
    ]


def band_fit(band: int, price_rank: float) -> float:
    distance = price_rank - _BAND_CENTRE[band]
    return _BAND_FLOOR + math.exp(-(distance * distance) / (2 * _BAND_SPREAD * _BAND_SPREAD))


def shopper_tastes(
    rng: random.Random,
    count: int,
    *,
    leaf_weights: Sequence[float],
    leaf_top: Sequence[int],
    complements: dict[int, tuple[int, ...]],
) -> list[Taste]:
    """One to three liked leaves per shopper: the second is often in the same top category or a
    complement of the first (running shoes -> running gear), the third anywhere."""
    leaves = range(len(leaf_weights))
    cumulative = list(itertools.accumulate(leaf_weights))
    by_top: dict[int, list[int]] = {}
    for leaf, top in enumerate(leaf_top):
        by_top.setdefault(top, []).append(leaf)
    tastes = []
    for _ in range(count):
        first = rng.choices(leaves, cum_weights=cumulative)[0]
        liked = [first]
        if rng.random() < 0.65:
            roll = rng.random()
            if roll < 0.5 and len(by_top[leaf_top[first]]) > 1:
                second = rng.choice([x for x in by_top[leaf_top[first]] if x != first])
            elif roll < 0.8 and complements.get(first):
                second = rng.choice(complements[first])
            else:
                second = rng.choices(leaves, cum_weights=cumulative)[0]
            if second not in liked:
                liked.append(second)
            if rng.random() < 0.35:
                third = rng.choices(leaves, cum_weights=cumulative)[0]
                if third not in liked:
                    liked.append(third)
        band = rng.choices((0, 1, 2), weights=(0.35, 0.45, 0.2))[0]
        tastes.append(Taste(tuple(liked), band, rng.lognormvariate(0, 0.9)))
    return tastes


class ProductSampler:
    """Draws products for a shopper: leaf from their taste (or, rarely, anywhere), product by
    popularity times price-band fit. One cumulative table per (leaf, band), built once."""

    def __init__(self, traits: Sequence[ProductTraits], leaf_weights: Sequence[float]):
        self.leaf_count = len(leaf_weights)
        members: list[list[int]] = [[] for _ in range(self.leaf_count)]
        for index, trait in enumerate(traits):
            members[trait.leaf].append(index)
        self.members = members
        self.tables: list[list[list[float]]] = []
        for leaf in range(self.leaf_count):
            per_band = []
            for band in range(len(BANDS)):
                weights = [
                    traits[i].popularity * band_fit(band, traits[i].price_rank)
                    for i in members[leaf]
                ]
                per_band.append(list(itertools.accumulate(weights)))
            self.tables.append(per_band)
        # Browsing outside one's taste follows overall demand: leaves with more popular products.
        self.global_leaves = [
            leaf for leaf in range(self.leaf_count) if members[leaf]
        ]  # leaves that have products
        self.global_cumulative = list(
            itertools.accumulate(leaf_weights[leaf] for leaf in self.global_leaves)
        )

    def leaf_for(self, rng: random.Random, taste: Taste) -> int:
        if rng.random() < EXPLORE:
            return self.global_leaves[
                bisect.bisect(self.global_cumulative, rng.random() * self.global_cumulative[-1])
            ]
        # Earlier leaves in a taste are liked more.
        liked = taste.leaves
        if len(liked) == 1:
            return liked[0]
        roll = rng.random()
        if len(liked) == 2:
            return liked[0] if roll < 0.62 else liked[1]
        return liked[0] if roll < 0.5 else (liked[1] if roll < 0.8 else liked[2])

    def product(self, rng: random.Random, leaf: int, band: int) -> int | None:
        table = self.tables[leaf][band]
        if not table:
            return None
        position = bisect.bisect(table, rng.random() * table[-1])
        return self.members[leaf][min(position, len(table) - 1)]

    def for_taste(self, rng: random.Random, taste: Taste) -> int | None:
        for _ in range(4):
            product = self.product(rng, self.leaf_for(rng, taste), taste.band)
            if product is not None:
                return product
        return None


def co_purchase_pairs(
    rng: random.Random,
    traits: Sequence[ProductTraits],
    *,
    complements: dict[int, tuple[int, ...]],
    count: int,
) -> dict[int, int]:
    """Plant `count` pairs (A -> B): a shopper who buys A often buys B in the same order.
    A is a popular product of a leaf with complements, B a popular product of a complement."""
    by_leaf: dict[int, list[int]] = {}
    for index, trait in enumerate(traits):
        by_leaf.setdefault(trait.leaf, []).append(index)
    for members in by_leaf.values():
        members.sort(key=lambda i: -traits[i].popularity)
    sources = [leaf for leaf in sorted(complements) if by_leaf.get(leaf)]
    pairs: dict[int, int] = {}
    attempts = 0
    while len(pairs) < count and sources and attempts < count * 20:
        attempts += 1
        leaf = rng.choice(sources)
        partners = [c for c in complements[leaf] if by_leaf.get(c)]
        if not partners:
            continue
        head = by_leaf[leaf][: max(3, len(by_leaf[leaf]) // 5)]
        a = rng.choice(head)
        partner_leaf = by_leaf[rng.choice(partners)]
        b = rng.choice(partner_leaf[: max(3, len(partner_leaf) // 5)])
        if a not in pairs and b not in pairs:
            pairs[a] = b
    return pairs


def review_rating(rng: random.Random, quality: float) -> int:
    """1-5 stars; better products get better ratings, with the spread real reviews have."""
    mean = 1.9 + 3.0 * quality
    return max(1, min(5, round(rng.gauss(mean, 1.0))))
