"""Generate (and remove) the demo shop.

`demo_seed` writes, stage by stage and each stage in one transaction: merchants, warehouses, the
category tree and brands; the admin, one staff login per merchant and the shoppers with their
addresses; products with variants and stock; their pictures; and a year of history (orders with
lines and events; for every order that was paid, its settled Alipay payment with its events, and
its refund if it was refunded; the parcels of the orders that were paid, in every state of their
journey (demo/shipments.py); reviews; and views, carts and purchases as interactions). While the
local Alipay stand-in is on (ALIPAY_SANDBOX), its trade book learns those trades too, so a demo
order can be refunded from admin like one paid through its cashier. The same seed gives
the same data (only the clock it is anchored to moves).

It is built for size: ids are assigned here, rows are plain tuples written in large batches (COPY on
PostgreSQL), one password hash serves every shopper, names and addresses come from small pools
made up front, and nothing queries the database per row.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from faker import Faker

from accounts import regions
from accounts.backends import users_changed
from accounts.models import Address, Merchant, User
from accounts.permissions import grant_merchant_staff_permissions
from cart.services import cart_counts_changed
from catalog.caching import bump_catalog_version
from catalog.images import size_names
from catalog.models import Brand, Category, Product, ProductImage, ProductVariant, Review
from catalog.services import product_availability_refresh, product_stats_refresh
from insights.models import ReplenishmentLine, ShopperEvent
from logistics.models import (
    Allocation,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShippingMethod,
    Stock,
    StockMovement,
    StockMovementKind,
    SupplyTerms,
    Warehouse,
)
from orders.models import (
    Order,
    OrderEvent,
    OrderEventType,
    OrderLine,
    OrderStatus,
    ShipmentNotice,
)
from orders.numbers import ALPHABET
from payments.alipay_client import BEIJING as BEIJING_TZ
from payments.alipay_client import beijing_timestamp, format_amount
from payments.gateways import settled_trades_record
from payments.models import (
    Payment,
    PaymentEvent,
    PaymentEventType,
    PaymentStatus,
    Refund,
    RefundEvent,
    RefundEventType,
    RefundStatus,
)
from recommendations.models import Interaction, InteractionKind
from recommendations.services.sales import product_sales_counts_refresh

from . import behaviour, funnel, images, vocabulary
from .bulk import TableWriter, can_copy, next_id, purge, reset_sequences, truncate
from .delivery import delivery_setup
from .product_types import demo_product_types
from .replenishment import replenishment_setup
from .shipments import DemoLine, DemoShipments

logger = logging.getLogger(__name__)

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin"
STAFF_PASSWORD = "staff"
SHOPPER_PASSWORD = "demo"
SHOPPER_EMAIL = "shopper{n}@example.com"
STOREFRONT_URL = "http://127.0.0.1:8000"

DAY = 86_400.0
HOUR = 3_600.0
HISTORY_DAYS = 365


def staff_email(merchant_slug: str) -> str:
    return f"staff@{merchant_slug}.example.com"


@dataclass(frozen=True)
class SeedOptions:
    seed: int = 42
    products: int = 2_000
    users: int = 1_000
    orders: int = 5_000
    interactions: int = 100_000
    # Colourways drawn per product type that comes in no colour (each such product shows one).
    images_per_leaf: int = 3
    featured: int = 24
    # None: COPY when the database is PostgreSQL, bulk_create otherwise.
    copy: bool | None = None

    def with_overrides(self, **overrides) -> SeedOptions:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


SIZES: dict[str, SeedOptions] = {
    "small": SeedOptions(),
    "large": SeedOptions(products=100_000, users=50_000, orders=50_000, interactions=1_000_000),
}


@dataclass
class SeedResult:
    """What was made, how long each stage took, the logins, and the taste structure the history
    was drawn from (so tests and recommender experiments can check what should be learnt)."""

    counts: dict[str, int] = field(default_factory=dict)
    stages: list[tuple[str, float]] = field(default_factory=list)
    staff_logins: list[tuple[str, str]] = field(default_factory=list)  # (merchant, email)
    # Shopper id -> the leaf category ids they like, best liked first; and their price band.
    tastes: dict[int, tuple[int, ...]] = field(default_factory=dict)
    bands: dict[int, str] = field(default_factory=dict)
    # (product id, product id) pairs planted as often bought together.
    co_purchases: list[tuple[int, int]] = field(default_factory=list)
    seconds: float = 0.0


class DemoDataExists(Exception):
    """The database already holds a catalog or demo shoppers; flush first."""


def demo_data_present() -> bool:
    return Product.objects.exists() or _demo_shoppers().exists()


def _demo_shoppers():
    return User.objects.filter(email__startswith="shopper", email__endswith="@example.com")


# --- Flush ----------------------------------------------------------------------------------------
def demo_flush(*, report: Callable[[str], None] | None = None) -> dict[str, int]:
    """Delete the catalog, stock, order history, reviews and interactions, the demo warehouses,
    merchants, shoppers and staff logins (not the admin, not other users), children before
    parents. Rows of other apps that point at them go first, as their on_delete says."""
    say = report or logger.info
    started = time.perf_counter()
    demo_slugs = [m.slug for m in vocabulary.MERCHANTS]
    staff = User.objects.filter(email__in=[staff_email(s) for s in demo_slugs])
    people = _demo_shoppers() | staff
    # Emptied whole, children before parents.
    whole = [
        ShopperEvent, ReplenishmentLine, PurchaseOrderEvent, PurchaseOrderLine, SupplyTerms,
        Interaction, Review, PaymentEvent, RefundEvent, Refund, Payment, ShipmentNotice,
        ShipmentEvent, ShipmentLine, Shipment, Allocation, OrderEvent, OrderLine, Order,
        StockMovement, Stock, ProductImage, ProductVariant, Product, Brand, Category,
    ]  # fmt: skip
    steps = [
        (Warehouse, Warehouse.objects.filter(code__in=[w.code for w in vocabulary.WAREHOUSES])),
        (Address, Address.objects.filter(user__in=people)),
        (User, people),
        (Merchant, Merchant.objects.filter(slug__in=demo_slugs)),
    ]
    with transaction.atomic():
        # Every variant goes, with the saved cart lines that hold one (purge sends no signal).
        cart_counts_changed(variants=ProductVariant.objects.all())
        counts = truncate(whole)
        if counts is None:
            counts = {
                m._meta.label: purge(m.objects.all(), handled=whole[:i])
                for i, m in enumerate(whole)
            }
        done: list[type] = list(whole)
        for model, queryset in steps:
            if model is Merchant:
                # Users who are not demo staff keep their account, without the demo merchant.
                moved = User.objects.filter(merchant__in=queryset)
                users_changed(list(moved.values_list("pk", flat=True)))  # update sends no signal
                moved.update(merchant=None)
                done.append(User)
            if model is User:
                users_changed(list(queryset.values_list("pk", flat=True)))  # nor does purge
            counts[model._meta.label] = purge(queryset, handled=done)
            done.append(model)
    transaction.on_commit(bump_catalog_version)
    deleted = ", ".join(f"{n:,} {label}" for label, n in counts.items() if n)
    seconds = time.perf_counter() - started
    say(
        f"Flushed the demo data in {seconds:.1f} s ({deleted})." if deleted else "Nothing to flush."
    )
    return counts


# --- Seed -----------------------------------------------------------------------------------------
def demo_seed(*, options: SeedOptions, report: Callable[[str], None] | None = None) -> SeedResult:
    """Write the demo shop. Raises DemoDataExists if a catalog or demo shoppers are present."""
    if min(options.products, options.users) < 1 or min(options.orders, options.interactions) < 0:
        raise ValueError("A demo shop needs at least one product and one shopper.")
    if demo_data_present():
        raise DemoDataExists(
            f"The database already has {Product.objects.count():,} products and "
            f"{_demo_shoppers().count():,} demo shoppers."
        )
    run = _Run(options, report or logger.info)
    started = time.perf_counter()
    with translation.override("en"):
        with run.stage("reference data"):
            _reference_data(run)
        with run.stage("users"):
            _people(run)
        with run.stage("products"):
            _products(run)
            demo_product_types(run)
        with run.stage("images", atomic=False):
            _pictures(run)
        with run.stage("history"):
            _history(run)
        with run.stage("replenishment"):
            replenishment_setup(run)
        with run.stage("funnel"):
            funnel.demo_funnel(run)
        with run.stage("stats", atomic=False):
            _finish(run)
    run.result.seconds = time.perf_counter() - started
    return run.result


class _Run:
    """State shared by the stages of one seeding run."""

    def __init__(self, options: SeedOptions, report: Callable[[str], None]):
        self.options = options
        self.report = report
        self.rng = random.Random(options.seed)
        self.copy = can_copy() if options.copy is None else options.copy
        # The clock the history hangs from, to the hour: the same seed within the hour gives the
        # same timestamps too.
        self.anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.result = SeedResult()
        self.leaves = vocabulary.leaves()
        self.tops = list(vocabulary.TOPS)

    def when(self, age_seconds: float) -> datetime:
        return self.anchor - timedelta(seconds=age_seconds)

    def writer(self, model, fields) -> TableWriter:
        return TableWriter(model, fields, copy=self.copy)

    def count(self, name: str, value: int) -> None:
        self.result.counts[name] = self.result.counts.get(name, 0) + value

    @contextmanager
    def stage(self, name: str, *, atomic: bool = True) -> Iterator[None]:
        before = dict(self.result.counts)
        started = time.perf_counter()
        self.report(f"  {name} ...")
        if atomic:
            with transaction.atomic():
                yield
        else:
            yield
        seconds = time.perf_counter() - started
        self.result.stages.append((name, seconds))
        made = ", ".join(
            f"{value - before.get(key, 0):,} {key}"
            for key, value in self.result.counts.items()
            if value != before.get(key, 0)
        )
        self.report(f"  {name}: {seconds:.1f} s" + (f" ({made})" if made else ""))


# --- Stage: reference data ------------------------------------------------------------------------
def _reference_data(run: _Run) -> None:
    run.merchant_ids = {}
    run.merchant_by_slug = {}
    for spec in vocabulary.MERCHANTS:
        merchant, _ = Merchant.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "is_active": True}
        )
        run.merchant_by_slug[spec.slug] = merchant
        for top in spec.tops:
            run.merchant_ids.setdefault(top, merchant.pk)
    run.all_merchant_ids = [m.pk for m in run.merchant_by_slug.values()]
    run.count("merchants", len(vocabulary.MERCHANTS))

    run.warehouse_ids = []
    for spec in vocabulary.WAREHOUSES:
        warehouse, _ = Warehouse.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "province": spec.province,
                "city": spec.city,
                "district": spec.district,
                "street": spec.street,
                "latitude": Decimal(spec.latitude),
                "longitude": Decimal(spec.longitude),
                "is_active": True,
                "low_stock_threshold": (
                    WAREHOUSE_THRESHOLDS[len(run.warehouse_ids)]
                    if len(run.warehouse_ids) < len(WAREHOUSE_THRESHOLDS)
                    else None
                ),
            },
        )
        run.warehouse_ids.append(warehouse.pk)
    run.count("warehouses", len(vocabulary.WAREHOUSES))
    for name, value in delivery_setup().items():
        run.count(name, value)

    # The category tree: 8 top-level categories, their leaves underneath. Products live in leaves.
    run.top_category_ids = []
    run.leaf_category_ids = []
    for position, top in enumerate(run.tops):
        parent = _category(top.slug, top.name, top.blurb, None, position)
        run.top_category_ids.append(parent.pk)
        for leaf_position, leaf in enumerate(top.leaves):
            child = _category(leaf.slug, leaf.name, leaf.blurb, parent, leaf_position)
            run.leaf_category_ids.append(child.pk)
    run.count("categories", len(run.top_category_ids) + len(run.leaf_category_ids))

    run.brand_ids = {}
    for spec in vocabulary.BRANDS:
        brand, _ = Brand.objects.update_or_create(
            slug=slugify(spec.name), defaults={"name": spec.name}
        )
        run.brand_ids[spec.name] = brand.pk
    run.brands_by_top = {
        top.slug: [b.name for b in vocabulary.BRANDS if top.slug in b.tops] for top in run.tops
    }
    run.count("brands", len(vocabulary.BRANDS))


def _category(slug, name, blurb, parent, position) -> Category:
    category, _ = Category.objects.update_or_create(
        slug=slug,
        defaults={
            "parent": parent,
            "name_en": name.en,
            "name_zh_hans": name.zh,
            "description_en": blurb.en,
            "description_zh_hans": blurb.zh,
            "position": position,
            "is_active": True,
        },
    )
    return category


# --- Stage: people --------------------------------------------------------------------------------
_USER_FIELDS = (
    "id", "password", "last_login", "is_superuser", "first_name", "last_name", "is_staff",
    "is_active", "date_joined", "email", "phone", "merchant_id", "preferred_language",
)  # fmt: skip
_ADDRESS_FIELDS = (
    "created_at", "updated_at", "user_id", "recipient", "phone", "province", "city", "district",
    "street", "postal_code", "region_code", "is_default",
)  # fmt: skip


def _people(run: _Run) -> None:
    rng, options = run.rng, run.options
    # The admin: created, or its password and rights restored if it already exists.
    admin = User.objects.filter(email=ADMIN_EMAIL).first() or User(email=ADMIN_EMAIL)
    admin.first_name, admin.last_name = "Demo", "Admin"
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.password = make_password(ADMIN_PASSWORD)
    admin.save()
    staff_hash = make_password(STAFF_PASSWORD)
    for spec in vocabulary.MERCHANTS:
        email = staff_email(spec.slug)
        user = User.objects.filter(email=email).first() or User(email=email)
        user.first_name, user.last_name = spec.name, "Staff"
        user.is_staff, user.is_superuser, user.is_active = True, False, True
        user.merchant = run.merchant_by_slug[spec.slug]
        user.password = staff_hash
        user.save()
        grant_merchant_staff_permissions(user)
        run.result.staff_logins.append((spec.name, email))
    run.count("staff logins", 1 + len(vocabulary.MERCHANTS))

    pools = _NamePools(options.seed)
    shopper_hash = make_password(SHOPPER_PASSWORD)
    first_id = next_id(User)
    users = run.writer(User, _USER_FIELDS)
    addresses = run.writer(Address, _ADDRESS_FIELDS)
    city_weights = list(itertools.accumulate(c.weight for c in vocabulary.CITIES))
    run.user_ids, run.user_emails, run.user_lang = [], [], []
    run.user_join_age, run.user_address = [], []
    for n in range(1, options.users + 1):
        user_id = first_id + n - 1
        chinese = rng.random() < 0.72
        if chinese:
            first, last = rng.choice(pools.zh_first), rng.choice(pools.zh_last)
            recipient, language = f"{last}{first}", "zh-hans"
        else:
            first, last = rng.choice(pools.en_first), rng.choice(pools.en_last)
            recipient, language = f"{first} {last}", "en"
        # Most shoppers joined before the history starts; some during it.
        if rng.random() < 0.7:
            join_age = rng.uniform(HISTORY_DAYS + 5, 3 * HISTORY_DAYS) * DAY
        else:
            join_age = rng.uniform(3, HISTORY_DAYS) * DAY
        phone = _mobile(rng) if rng.random() < 0.6 else ""
        email = SHOPPER_EMAIL.format(n=n)
        users.add((
            user_id, shopper_hash, None, False, first, last, False, True, run.when(join_age),
            email, phone, None, language,
        ))  # fmt: skip
        count = rng.choices((0, 1, 2), weights=(0.15, 0.55, 0.3))[0]
        snapshot = None
        for k in range(count):
            city = vocabulary.CITIES[bisect.bisect(city_weights, rng.random() * city_weights[-1])]
            place = (
                recipient if k == 0 or rng.random() < 0.6 else pools.zh_name(rng),
                phone or _mobile(rng),
                city.province,
                city.city,
                district := rng.choice(city.districts),
                _street(rng),
                f"{city.postal}{rng.randrange(1000):03d}",
                regions.resolve(city.province, city.city, district).code,
            )
            created = run.when(join_age - rng.uniform(0, min(join_age, 30 * DAY)))
            addresses.add((created, created, user_id, *place, k == 0))
            if k == 0:
                snapshot = place
        run.user_ids.append(user_id)
        run.user_emails.append(email)
        run.user_lang.append(language)
        run.user_join_age.append(join_age)
        run.user_address.append(snapshot)
    users.flush()
    addresses.flush()
    run.pools = pools
    run.count("shoppers", users.count)
    run.count("addresses", addresses.count)


class _NamePools:
    """Names drawn from Faker once, then sampled: Faker is too slow to call 50,000 times."""

    def __init__(self, seed: int):
        zh, en = Faker("zh_CN"), Faker("en_US")
        zh.seed_instance(seed)
        en.seed_instance(seed)
        self.zh_first = sorted({zh.first_name() for _ in range(600)})
        self.zh_last = sorted({zh.last_name() for _ in range(300)})
        self.en_first = sorted({en.first_name() for _ in range(500)})
        self.en_last = sorted({en.last_name() for _ in range(500)})

    def zh_name(self, rng: random.Random) -> str:
        return rng.choice(self.zh_last) + rng.choice(self.zh_first)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _street(rng: random.Random) -> str:
    road = rng.choice(vocabulary.STREET_ROOTS) + rng.choice(vocabulary.STREET_SUFFIXES)
    street = f"{road}{rng.randint(1, 999)}号"
    if rng.random() < 0.75:
        estate = rng.choice(vocabulary.ESTATE_ROOTS) + rng.choice(vocabulary.ESTATES)
        street += f"{estate}{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2808)}室"
    return street


# --- Stage: products ------------------------------------------------------------------------------
_PRODUCT_FIELDS = (
    "id", "created_at", "updated_at", "merchant_id", "category_id", "brand_id", "name", "name_en",
    "name_zh_hans", "slug", "description", "description_en", "description_zh_hans", "is_active",
    "is_featured", "price", "rating_avg", "rating_count", "sales_count", "in_stock",
)  # fmt: skip
_VARIANT_FIELDS = (
    "id", "created_at", "updated_at", "product_id", "sku", "attributes", "price",
    "compare_at_price", "weight_grams", "is_active", "position",
)  # fmt: skip
_STOCK_FIELDS = (
    "created_at", "updated_at", "warehouse_id", "variant_id", "quantity", "allocated",
    "low_stock_threshold", "low_stock_since", "low_stock_notified_at",
)  # fmt: skip
# Low-stock thresholds: the two busiest warehouses have a default, the others none; one variant in
# OWN_THRESHOLD_EVERY sets its own, higher one (a best seller the merchant keeps deep).
WAREHOUSE_THRESHOLDS = (5, 3)
OWN_THRESHOLD, OWN_THRESHOLD_EVERY = 20, 40
OPENING_STOCK_REASON = "opening stock"

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def nice_price(value: float) -> Decimal:
    """A price as a shop would write it: 12.90, 39.90, 249.00, 1,299.00."""
    if value < 20:
        price = round(value) + 0.9
    elif value < 100:
        price = max(19.9, round(value / 5) * 5 - 0.1)
    elif value < 1000:
        price = round(value / 10) * 10 - 1
    else:
        price = round(value / 100) * 100 - 1
    return Decimal(f"{price:.2f}")


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` by `weights` (largest remainder), at least one each when total allows."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    if total >= len(weights):
        counts = [max(1, c) for c in counts]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > total:
        largest = max(range(len(counts)), key=lambda j: counts[j])
        counts[largest] -= 1
    return counts


def _products(run: _Run) -> None:
    rng, options = run.rng, run.options
    leaves = run.leaves
    per_leaf = _allocate(options.products, [leaf.share for _, leaf in leaves])
    leaf_of = [i for i, n in enumerate(per_leaf) for _ in range(n)]
    rng.shuffle(leaf_of)

    # First pass: what each product is and what it costs, so popularity (and so the featured
    # products) are known before anything is written.
    words_of, base_price, age_of, merchant_of = [], [], [], []
    for leaf_index in leaf_of:
        top, leaf = leaves[leaf_index]
        brand = rng.choice(run.brands_by_top[top.slug])
        words = vocabulary.choose_words(rng, top, leaf, brand)
        low, high = words.price_range
        base_price.append(math.exp(rng.uniform(math.log(low), math.log(high))))
        words_of.append(words)
        # Most of the catalog was listed before the history starts; the rest arrived during it.
        if rng.random() < 0.8:
            age_of.append(rng.uniform(HISTORY_DAYS + 10, HISTORY_DAYS + 60) * DAY)
        else:
            age_of.append(rng.uniform(1, HISTORY_DAYS) * DAY)
        if rng.random() < 0.88:
            merchant_of.append(run.merchant_ids[top.slug])
        else:
            merchant_of.append(rng.choice(run.all_merchant_ids))
    traits = behaviour.product_traits(rng, leaf_of, base_price)
    featured = _choose_featured(rng, leaves, leaf_of, traits, options.featured)

    first_product = next_id(Product)
    first_variant = next_id(ProductVariant)
    now = timezone.now()
    products = run.writer(Product, _PRODUCT_FIELDS)
    variants = run.writer(ProductVariant, _VARIANT_FIELDS)
    stock = run.writer(Stock, _STOCK_FIELDS)
    warehouse_odds = (0.85, 0.6, 0.45, 0.3)
    warehouse_threshold = dict(
        Warehouse.objects.filter(pk__in=run.warehouse_ids).values_list("pk", "low_stock_threshold")
    )
    variant_id = first_variant
    run.product_ids, run.product_names, run.product_variants = [], [], []
    run.variant_colours = []
    names_taken: set[str] = set()
    for index, words in enumerate(words_of):
        product_id = first_product + index
        seq = index + 1
        top, leaf = words.top, words.leaf
        name = vocabulary.unique_name(vocabulary.product_name(words), names_taken)
        description = vocabulary.product_description(words, name)
        created = run.when(age_of[index])
        offers = _variant_offers(rng, words, base_price[index])
        sale = rng.random() < 0.22
        sold_out = rng.random() < 0.06
        code = top.slug[:3].upper()
        buyable = []
        colours = []
        in_stock = False
        for position, (attributes, price, grams, active) in enumerate(offers):
            colours.append((variant_id, position, attributes.get("colour", "")))
            compare_at = None
            if sale:
                compare_at = max(nice_price(float(price) * rng.uniform(1.15, 1.6)), price + 1)
            sku = f"{code}-{seq:06d}-{position + 1:02d}"
            variants.add((
                variant_id, created, now, product_id, sku, attributes, price, compare_at, grams,
                active, position,
            ))  # fmt: skip
            places = [
                w
                for w, odds in zip(run.warehouse_ids, warehouse_odds, strict=False)
                if rng.random() < odds
            ]
            for warehouse_id in places or [run.warehouse_ids[0]]:
                quantity = 0 if sold_out or rng.random() < 0.08 else rng.randint(1, 200)
                own = OWN_THRESHOLD if variant_id % OWN_THRESHOLD_EVERY == 0 else None
                threshold = own if own is not None else warehouse_threshold.get(warehouse_id)
                # Already low when the demo opens: as if its alert had gone out then.
                low_since = now if threshold is not None and quantity <= threshold else None
                stock.add((
                    created, now, warehouse_id, variant_id, quantity, 0, own, low_since, low_since,
                ))  # fmt: skip
                in_stock = in_stock or (active and quantity > 0)
            if active:
                buyable.append((variant_id, sku, price))
            variant_id += 1
        price = min(p for _, _, p in buyable)
        slug = f"{slugify(name.en)[:200].strip('-')}-{seq}"
        products.add((
            product_id, created, now, merchant_of[index], run.leaf_category_ids[leaf_of[index]],
            run.brand_ids[words.brand], name.en, name.en, name.zh, slug, description.en,
            description.en, description.zh, True, index in featured, price, ZERO, 0, 0, in_stock,
        ))  # fmt: skip
        run.product_ids.append(product_id)
        run.product_names.append(name.en[:200])
        run.product_variants.append(buyable)
        run.variant_colours.append(colours)
    for writer in (products, variants, stock):
        writer.flush()
    _opening_stock_movements(run, first_variant, variant_id)
    run.leaf_of, run.traits, run.product_age, run.merchant_of = leaf_of, traits, age_of, merchant_of
    run.words_of = words_of
    run.count("products", products.count)
    run.count("variants", variants.count)
    run.count("stock rows", stock.count)


def _opening_stock_movements(run: _Run, first_variant: int, end_variant: int) -> None:
    """The stock's history starts with what each row received when its product was listed, by
    the merchant's staff login: one `received` movement per row that holds any units. One
    INSERT ... SELECT, since the stock rows' ids are the database's."""
    movement, stock = StockMovement._meta.db_table, Stock._meta.db_table
    variant, product = ProductVariant._meta.db_table, Product._meta.db_table
    user = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {movement} (created_at, stock_id, warehouse_id, variant_id, sku, kind,
                quantity_delta, allocated_delta, reason, reference, actor_id)
            SELECT s.created_at, s.id, s.warehouse_id, s.variant_id, v.sku, %s, s.quantity, 0,
                %s, '',
                (SELECT MIN(u.id) FROM {user} u WHERE u.merchant_id = p.merchant_id
                 AND u.is_staff)
            FROM {stock} s
            JOIN {variant} v ON v.id = s.variant_id
            JOIN {product} p ON p.id = v.product_id
            WHERE s.variant_id >= %s AND s.variant_id < %s AND s.quantity > 0
            """,
            [StockMovementKind.RECEIVED.value, OPENING_STOCK_REASON, first_variant, end_variant],
        )
        run.count("stock movements", cursor.rowcount)


def _choose_featured(rng, leaves, leaf_of, traits, count: int) -> set[int]:
    """`count` products spread over the top categories, from each one's more popular products."""
    by_top: dict[str, list[int]] = {}
    for index, leaf_index in enumerate(leaf_of):
        by_top.setdefault(leaves[leaf_index][0].slug, []).append(index)
    chosen: set[int] = set()
    tops = sorted(by_top)
    quotas = _allocate(count, [1.0] * len(tops)) if count else [0] * len(tops)
    for top, quota in zip(tops, quotas, strict=True):
        ranked = sorted(by_top[top], key=lambda i: -traits[i].popularity)
        head = ranked[: max(quota * 4, quota)]
        chosen.update(rng.sample(head, min(quota, len(head))))
    return chosen


# Variant options: for each scheme, how to pick values and how price and weight grow along them.
def _variant_offers(
    rng: random.Random, words: vocabulary.ProductWords, base: float
) -> list[tuple[dict, Decimal, int, bool]]:
    """1-6 offers (attributes, price, weight in grams, active) for one product."""
    leaf = words.leaf
    colours = leaf.colours or ("black", "white")
    scheme = words.options

    def pick_colours(most: int) -> list[str]:
        return rng.sample(colours, min(len(colours), rng.randint(1, most)))

    def run_of(values: tuple[str, ...], most: int) -> list[tuple[int, str]]:
        length = min(len(values), rng.randint(1, most))
        start = rng.randint(0, len(values) - length)
        return [(start + i, values[start + i]) for i in range(length)]

    grid: list[tuple[dict, float]] = []  # attributes, price factor
    if scheme in ("apparel", "shoes", "socks"):
        sizes = {
            "apparel": vocabulary.APPAREL_SIZES,
            "shoes": vocabulary.SHOE_SIZES,
            "socks": vocabulary.SOCK_SIZES,
        }[scheme]
        chosen = pick_colours(3 if scheme == "apparel" else 2)
        steps = run_of(sizes, 6 // len(chosen))
        for colour in chosen:
            grid.extend(({"colour": colour, "size": size}, 1.0) for _, size in steps)
    elif scheme == "capacity":
        chosen = pick_colours(2)
        steps = run_of(vocabulary.CAPACITIES[:4] if base < 3000 else vocabulary.CAPACITIES[1:], 3)
        first = steps[0][0]
        for colour in chosen:
            grid.extend(
                ({"colour": colour, "capacity": value}, 1 + 0.22 * (i - first))
                for i, value in steps
            )
    elif scheme in ("colour", "shade"):
        grid.extend(({"colour": c}, 1.0) for c in pick_colours(6 if scheme == "shade" else 4))
    elif scheme == "bedding":
        steps = run_of(vocabulary.BED_SIZES, 3)
        for colour in pick_colours(2):
            grid.extend(
                ({"colour": colour, "size": v}, 1 + 0.15 * (i - steps[0][0])) for i, v in steps
            )
    elif scheme == "bottle":
        chosen = pick_colours(3)
        steps = run_of(vocabulary.BOTTLE_VOLUMES, 6 // len(chosen))
        for colour in chosen:
            grid.extend(
                ({"colour": colour, "capacity": v}, 1 + 0.2 * (i - steps[0][0])) for i, v in steps
            )
    elif scheme == "flavoured":
        steps = run_of(vocabulary.SNACK_WEIGHTS, 3)
        for flavour in rng.sample(vocabulary.FLAVOURS, rng.randint(1, 2)):
            grid.extend(
                ({"flavour": flavour, "weight": v}, 1.7 ** (i - steps[0][0])) for i, v in steps
            )
    else:
        values, growth, option = {
            "cookware": (vocabulary.PAN_SIZES, 1.15, "size"),
            "volume": (vocabulary.VOLUMES, 1.6, "size"),
            "dumbbell": (vocabulary.DUMBBELL_WEIGHTS, 1.8, "weight"),
            "tea": (vocabulary.TEA_WEIGHTS, 1.8, "weight"),
            "coffee": (vocabulary.COFFEE_WEIGHTS, 1.85, "weight"),
            "snack": (vocabulary.SNACK_WEIGHTS, 1.7, "weight"),
            "weight": (("500 g", "1 kg", "2.5 kg", "5 kg"), 1.8, "weight"),
            "book": ((), 1.0, ""),
        }[scheme]
        if values:
            steps = run_of(values, 3)
            grid.extend(({option: v}, growth ** (i - steps[0][0])) for i, v in steps)
        else:
            grid.append(({}, 1.0))
    grid = grid[:6]
    low, high = leaf.weight
    grams = rng.randint(low, high)
    offers = []
    for position, (attributes, factor) in enumerate(grid):
        active = position == 0 or rng.random() > 0.03
        offers.append((attributes, nice_price(base * factor), int(grams * min(factor, 4)), active))
    return offers


# --- Stage: pictures ------------------------------------------------------------------------------
_IMAGE_FIELDS = (
    "created_at", "updated_at", "product_id", "variant_id", "image", "alt", "position", "thumb",
    "card", "large",
)  # fmt: skip


class _Pictures:
    """The pictures of one product's type, each made once per seeding run: a large catalog asks
    for the same thousand pictures hundreds of thousands of times."""

    def __init__(self, known: dict[tuple[str, str, int], images.PoolImage], words):
        self.known, self.words = known, words

    def _get(self, colour: str, n: int) -> images.PoolImage:
        words = self.words
        key = (words.kind.term.en, colour, n)
        if key not in self.known:
            self.known[key] = images.picture(
                top=words.top, kind=words.kind, shape=words.shape, colour=colour, n=n
            )
        return self.known[key]

    def coloured(self, colour: str) -> images.PoolImage:
        return self._get(colour, 1)

    def plain(self, n: int) -> images.PoolImage:
        return self._get("", n)


def _pictures(run: _Run) -> None:
    """Each product's pictures show its own type: one per variant in the variant's colour (the
    variants of one colour share the file), or, for a type that comes in no colour, one plain
    picture of the product as a whole, the product's own choice among `images_per_leaf`
    colourways of its type."""
    rng = run.rng
    rows = run.writer(ProductImage, _IMAGE_FIELDS)
    pictures: dict[str, images.PoolImage] = {}
    planned = []
    per_type = max(1, run.options.images_per_leaf)
    known: dict[tuple[str, str, int], images.PoolImage] = {}
    for index, product_id in enumerate(run.product_ids):
        words = run.words_of[index]
        coloured = [(v, p, colour) for v, p, colour in run.variant_colours[index] if colour]
        draw = _Pictures(known, words)
        # The same draws as when products took 1-3 pictures from a pool per category, so the
        # history that follows (which shares the generator) is the same shop as before.
        count = min(per_type, rng.choice((1, 2, 2, 3)))
        colourway = rng.sample(range(1, per_type + 1), count)[0]
        if coloured:
            shots = [(v, position, draw.coloured(colour)) for v, position, colour in coloured]
        else:
            shots = [(None, 0, draw.plain(colourway))]
        for _, _, shot in shots:
            pictures[shot.name] = shot
        planned.append((index, product_id, shots))
    written, existing = images.ensure_pool(pictures.values())
    run.count("pictures drawn", written)
    run.count("pictures reused", existing)
    run.count("image sizes checked", images.ensure_sizes(sorted(pictures)))
    now = timezone.now()
    with transaction.atomic():
        for index, product_id, shots in planned:
            created = run.when(run.product_age[index])
            for variant_id, position, shot in shots:
                sizes = size_names(shot.name)
                rows.add(
                    (
                        created, now, product_id, variant_id, shot.name,
                        run.product_names[index], position, sizes["thumb"], sizes["card"],
                        sizes["large"],
                    )
                )  # fmt: skip
        rows.flush()
    run.count("product images", rows.count)


# --- Stage: history -------------------------------------------------------------------------------
_ORDER_FIELDS = (
    "id", "number", "created_at", "updated_at", "user_id", "email", "status", "currency",
    "subtotal", "shipping_total", "discount_total", "total", "recipient", "phone", "province",
    "city", "district", "street", "postal_code", "region_code", "paid_at", "shipping_method_id",
    "shipping_method_name", "guest_token", "language",
)  # fmt: skip
_LINE_FIELDS = (
    "order_id", "merchant_id", "product_id", "variant_id", "product_name", "sku", "unit_price",
    "quantity", "quantity_shipped", "line_total", "id",
)  # fmt: skip
_EVENT_FIELDS = ("order_id", "created_at", "actor_id", "from_status", "to_status", "type", "note")
_PAYMENT_FIELDS = (
    "id", "created_at", "updated_at", "order_id", "gateway", "amount", "currency", "out_trade_no",
    "trade_no", "status", "paid_at",
)  # fmt: skip
_PAYMENT_EVENT_FIELDS = (
    "payment_id", "created_at", "actor_id", "from_status", "to_status", "type", "params", "note",
)  # fmt: skip
_REFUND_EVENT_FIELDS = (
    "refund_id", "created_at", "actor_id", "from_status", "to_status", "type", "params", "note",
)  # fmt: skip
_REFUND_FIELDS = (
    "id", "created_at", "updated_at", "payment_id", "merchant_id", "amount", "reason",
    "out_request_no", "status", "restock", "actor_id", "attempts", "gateway_message",
    "gateway_total_refunded", "completed_at",
)  # fmt: skip
_REVIEW_FIELDS = (
    "created_at", "updated_at", "product_id", "user_id", "rating", "title", "body",
    "is_published",
)  # fmt: skip
_INTERACTION_FIELDS = ("user_id", "session_key", "product_id", "kind", "value", "created_at")

# As the "standard" shipping method the migrations create (logistics 0003).
FREE_SHIPPING_FROM = Decimal("199.00")
SHIPPING_FEE = Decimal("12.00")
REVIEW_RATE = 0.35
S = OrderStatus
# What each step of a generated order was, as the services record it (the order pages word
# each type in the reader's language; orders/selectors.event_sentence).
_EVENT_TYPES = {
    S.PENDING_PAYMENT: OrderEventType.PLACED,
    S.PAID: OrderEventType.PAID,
    S.SHIPPED: OrderEventType.SHIPPED,
    S.DELIVERED: OrderEventType.DELIVERED,
    S.COMPLETED: OrderEventType.COMPLETED,
    S.CANCELLED: OrderEventType.EXPIRED,
    S.REFUND_REQUESTED: OrderEventType.REFUND_REQUESTED,
    S.REFUNDED: OrderEventType.REFUNDED,
}


def _order_path(rng: random.Random, age_days: float) -> list[OrderStatus]:
    """The statuses an order went through, given how many days ago it was placed."""
    placed = [S.PENDING_PAYMENT]
    if rng.random() < 0.035:
        return [*placed, S.CANCELLED]
    if age_days < 1.5:
        return [*placed, S.PAID]
    if age_days < 5:
        return [*placed, S.PAID] + ([S.SHIPPED] if rng.random() < 0.7 else [])
    if age_days < 12:
        return [*placed, S.PAID, S.SHIPPED] + ([S.DELIVERED] if rng.random() < 0.6 else [])
    path = [*placed, S.PAID, S.SHIPPED, S.DELIVERED]
    if age_days >= 20 and rng.random() < 0.015:
        return [*path, S.REFUND_REQUESTED, S.REFUNDED]
    return [*path, S.COMPLETED] if age_days >= 20 and rng.random() < 0.93 else path


# Seconds from one status to the next.
_STEP = {
    S.PAID: (60, 20 * 60),
    S.CANCELLED: (30 * 60, 2 * HOUR),
    S.SHIPPED: (4 * HOUR, 48 * HOUR),
    S.DELIVERED: (DAY, 4 * DAY),
    S.COMPLETED: (7 * DAY, 8 * DAY),
    S.REFUND_REQUESTED: (DAY, 3 * DAY),
    S.REFUNDED: (DAY, 2 * DAY),
}


class _History:
    """Orders, reviews and interactions, drawn from the shoppers' tastes."""

    def __init__(self, run: _Run):
        self.run = run
        self.rng = run.rng
        leaf_count = len(run.leaves)
        leaf_weights = [leaf.share for _, leaf in run.leaves]
        leaf_top = [run.tops.index(top) for top, _ in run.leaves]
        slug_index = {leaf.slug: i for i, (_, leaf) in enumerate(run.leaves)}
        complements = {
            slug_index[a]: tuple(slug_index[b] for b in bs)
            for a, bs in vocabulary.COMPLEMENTS.items()
        }
        self.tastes = behaviour.shopper_tastes(
            self.rng,
            len(run.user_ids),
            leaf_weights=leaf_weights,
            leaf_top=leaf_top,
            complements=complements,
        )
        self.sampler = behaviour.ProductSampler(run.traits, leaf_weights)
        assert self.sampler.leaf_count == leaf_count
        pair_count = max(3, min(400, len(run.product_ids) // 70))
        self.pairs = behaviour.co_purchase_pairs(
            self.rng, run.traits, complements=complements, count=pair_count
        )
        self.activity = list(itertools.accumulate(t.activity for t in self.tastes))
        self.orders = run.writer(Order, _ORDER_FIELDS)
        self.shipping_method = ShippingMethod.objects.get(code="standard")
        self.lines = run.writer(OrderLine, _LINE_FIELDS)
        self.line_id = next_id(OrderLine)
        self.parcels = DemoShipments(run, writer=run.writer, when=run.when)
        self.events = run.writer(OrderEvent, _EVENT_FIELDS)
        self.payments = run.writer(Payment, _PAYMENT_FIELDS)
        self.payment_events = run.writer(PaymentEvent, _PAYMENT_EVENT_FIELDS)
        self.refunds = run.writer(Refund, _REFUND_FIELDS)
        self.refund_events = run.writer(RefundEvent, _REFUND_EVENT_FIELDS)
        self.refund_id = next_id(Refund)
        self.payment_id = next_id(Payment)
        # The sandbox's view of the same trades (record_settled_trades), and the random digits
        # of their Alipay trade numbers, drawn apart so the rest of the history stays the same.
        self.trades: list[dict] = []
        self.trade_rng = random.Random(f"{run.options.seed}-alipay")
        self.reviews = run.writer(Review, _REVIEW_FIELDS)
        self.interactions = run.writer(Interaction, _INTERACTION_FIELDS)
        self.reviewed: set[tuple[int, int]] = set()
        self.numbers: set[str] = set()
        self.kinds = {k: 0 for k in InteractionKind.values}

    def shopper(self) -> int:
        position = bisect.bisect(self.activity, self.rng.random() * self.activity[-1])
        return min(position, len(self.activity) - 1)

    def interaction(self, user: int, product: int, kind: str, value: int, age: float) -> None:
        run = self.run
        self.interactions.add(
            (run.user_ids[user], "", run.product_ids[product], kind, value, run.when(age))
        )
        self.kinds[kind] += 1

    def number(self) -> str:
        while True:
            number = "".join(self.rng.choices(ALPHABET, k=12))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def pick(self, taste, age: float) -> int | None:
        """A product the shopper might buy or look at, listed before `age` seconds ago."""
        for _ in range(4):
            product = self.sampler.for_taste(self.rng, taste)
            if product is not None and self.run.product_age[product] > age:
                return product
        return None

    # -- orders --
    def place_orders(self, count: int) -> None:
        run, rng = self.run, self.rng
        order_id = next_id(Order)
        history = HISTORY_DAYS * DAY
        for _ in range(count):
            user = self.shopper()
            taste = self.tastes[user]
            newest = min(run.user_join_age[user], history)
            age = rng.uniform(2 * HOUR, max(newest, 3 * HOUR))
            products: list[int] = []
            for _ in range(rng.choices((1, 2, 3, 4), weights=(55, 28, 12, 5))[0]):
                product = self.pick(taste, age)
                if product is None or product in products:
                    continue
                products.append(product)
                partner = self.pairs.get(product)
                if (
                    partner is not None
                    and partner not in products
                    and run.product_age[partner] > age
                    and rng.random() < 0.6
                ):
                    products.append(partner)
            if products:
                self.order(order_id, user, age, products)
                order_id += 1

    def order(self, order_id: int, user: int, age: float, products: list[int]) -> None:
        run, rng = self.run, self.rng
        path = _order_path(rng, age / DAY)
        # When each status was reached, never later than now.
        times = [age - 1]
        for status in path[1:]:
            low, high = _STEP[status]
            times.append(max(times[-1] - rng.uniform(low, high), min(times[-1], 60)))
        subtotal = ZERO
        lines, parcel_lines = [], []
        for product in products:
            variant_id, sku, price = rng.choice(run.product_variants[product])
            quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
            total = price * quantity
            subtotal += total
            lines.append((
                order_id, run.merchant_of[product], run.product_ids[product], variant_id,
                run.product_names[product], sku, price, quantity,
                quantity if S.SHIPPED in path else 0, total, self.line_id,
            ))  # fmt: skip
            parcel_lines.append(
                DemoLine(self.line_id, run.merchant_of[product], variant_id, sku, quantity)
            )
            self.line_id += 1
        shipping = ZERO if subtotal >= FREE_SHIPPING_FROM else SHIPPING_FEE
        address = run.user_address[user] or self.address(user)
        paid_at = run.when(times[1]) if path[1] == S.PAID else None
        number = self.number()
        self.orders.add((
            order_id, number, run.when(age), run.when(times[-1]), run.user_ids[user],
            run.user_emails[user], path[-1], "CNY", subtotal, shipping, ZERO, subtotal + shipping,
            *address, paid_at, self.shipping_method.pk, self.shipping_method.name_en, "",
            run.user_lang[user],
        ))  # fmt: skip
        self.lines.extend(lines)
        self.parcels.order(
            order_id=order_id, path=path, times=times, lines=parcel_lines, city=address[3],
            region_code=address[-1],
        )  # fmt: skip
        if paid_at is not None:
            refunded = times[path.index(S.REFUNDED)] if S.REFUNDED in path else None
            self.payment(order_id, number, subtotal + shipping, age, times[1], refunded)
        previous = ""
        for status, at in zip(path, times, strict=True):
            actor = (
                run.user_ids[user] if status in (S.PENDING_PAYMENT, S.REFUND_REQUESTED) else None
            )
            event = (order_id, run.when(at), actor, previous, status, _EVENT_TYPES[status], "")
            self.events.add(event)
            previous = status
        run.count("orders", 1)

        # What led to the order, and what followed it.
        join = run.user_join_age[user]
        delivered = times[path.index(S.DELIVERED)] if S.DELIVERED in path else None
        for product, line in zip(products, lines, strict=True):
            # Not before the shopper joined nor before the product was listed.
            earliest = min(join, run.product_age[product])
            for _ in range(rng.randint(1, 3)):
                seen = min(earliest, age + rng.uniform(10 * 60, 3 * DAY))
                self.interaction(user, product, InteractionKind.VIEW, 1, seen)
            carted = min(earliest, age + rng.uniform(30, 30 * 60))
            self.interaction(user, product, InteractionKind.CART, 1, carted)
            if paid_at is not None:
                self.interaction(user, product, InteractionKind.PURCHASE, line[7], times[1])
            if delivered is not None and rng.random() < REVIEW_RATE:
                self.review(user, product, max(60, delivered - rng.uniform(DAY, 10 * DAY)))

    def payment(
        self,
        order_id: int,
        number: str,
        total: Decimal,
        placed: float,
        paid: float,
        refunded: float | None,
    ) -> None:
        """The Alipay payment that paid the order, as payments.services leaves one: started
        just after the order was placed, settled when the order became paid (its trade number
        as the sandbox makes them), and, for a refunded order, refunded in full."""
        run = self.run
        payment_id = self.payment_id
        self.payment_id += 1
        started = run.when(max(placed - 5, paid + 1))
        paid_at = run.when(paid)
        out_trade_no = f"{number}-1"
        trade_no = paid_at.astimezone(BEIJING_TZ).strftime("%Y%m%d") + "".join(
            self.trade_rng.choices("0123456789", k=20)
        )
        status = PaymentStatus.PAID if refunded is None else PaymentStatus.REFUNDED
        last = paid_at if refunded is None else run.when(refunded)
        self.payments.add((
            payment_id, started, last, order_id, "alipay", total, "CNY", out_trade_no, trade_no,
            status, paid_at,
        ))  # fmt: skip
        # As the services record them (payments.services: payment_start, the notify).
        self.payment_events.add((
            payment_id, started, None, "", PaymentStatus.PENDING, PaymentEventType.STARTED,
            {"gateway": "alipay"}, "",
        ))  # fmt: skip
        self.payment_events.add((
            payment_id, paid_at, None, PaymentStatus.PENDING, PaymentStatus.PAID,
            PaymentEventType.PAID, {"gateway": "alipay", "trade_no": trade_no}, "",
        ))  # fmt: skip
        refunds = {}
        if refunded is not None:
            at = run.when(refunded)
            out_request_no = f"{out_trade_no}-R1"
            refund_id = self.refund_id
            self.refund_id += 1
            self.refunds.add((
                refund_id, at, at, payment_id, None, total, "refund requested", out_request_no,
                RefundStatus.SUCCEEDED, False, None, 1, "Success", total, at,
            ))  # fmt: skip
            # As payments.refunds records a full refund made at the gateway.
            self.refund_events.add((
                refund_id, at, None, "", RefundStatus.PENDING, RefundEventType.REQUESTED,
                {"amount": str(total)}, "refund requested",
            ))  # fmt: skip
            self.refund_events.add((
                refund_id, at, None, RefundStatus.PENDING, RefundStatus.SUCCEEDED,
                RefundEventType.SUCCEEDED, {"message": "Success"}, "",
            ))  # fmt: skip
            self.payment_events.add((
                payment_id, at, None, PaymentStatus.PAID, PaymentStatus.REFUNDED,
                PaymentEventType.REFUNDED,
                {"refund_id": refund_id, "out_request_no": out_request_no, "amount": str(total),
                 "total": str(total)}, "",
            ))  # fmt: skip
            refunds[out_request_no] = format_amount(total)
        self.trades.append({
            "out_trade_no": out_trade_no,
            "trade_no": trade_no,
            "subject": f"{settings.SHOP_NAME} {number}",
            "total_amount": format_amount(total),
            "gmt_create": beijing_timestamp(started),
            "gmt_payment": beijing_timestamp(paid_at),
            "refunds": refunds,
        })  # fmt: skip
        run.count("payments", 1)

    def address(self, user: int) -> tuple:
        rng, pools = self.rng, self.run.pools
        city = rng.choice(vocabulary.CITIES)
        return (
            pools.zh_name(rng),
            _mobile(rng),
            city.province,
            city.city,
            district := rng.choice(city.districts),
            _street(rng),
            f"{city.postal}{rng.randrange(1000):03d}",
            regions.resolve(city.province, city.city, district).code,
        )

    def review(self, user: int, product: int, age: float) -> None:
        run, rng = self.run, self.rng
        key = (product, user)
        if key in self.reviewed:
            return
        self.reviewed.add(key)
        rating = behaviour.review_rating(rng, run.traits[product].quality)
        top = run.leaves[run.leaf_of[product]][0]
        title = rng.choice(vocabulary.REVIEW_TITLES[rating])
        parts = [rng.choice(vocabulary.REVIEW_BODIES[rating])]
        specific = top.reviews_good if rating >= 4 else top.reviews_bad if rating <= 2 else ()
        if specific and rng.random() < 0.7:
            parts.insert(0, rng.choice(specific))
        if run.user_lang[user] == "zh-hans":
            title_text, body = title.zh, "".join(p.zh for p in parts)
        else:
            title_text, body = title.en, " ".join(p.en for p in parts)
        at = run.when(age)
        published = rng.random() > 0.02
        self.reviews.add(
            (
                at,
                at,
                run.product_ids[product],
                run.user_ids[user],
                rating,
                title_text,
                body,
                published,
            )
        )
        self.interaction(user, product, InteractionKind.REVIEW, rating, age)

    # -- browsing --
    def browse(self, budget: int) -> None:
        """Sessions of views (and now and then an abandoned cart) until `budget` interactions."""
        run, rng = self.run, self.rng
        history = HISTORY_DAYS * DAY
        made = 0
        while made < budget:
            user = self.shopper()
            taste = self.tastes[user]
            age = rng.uniform(60, max(min(run.user_join_age[user], history), 120))
            leaf = self.sampler.leaf_for(rng, taste)
            for _ in range(1 + int(rng.expovariate(1 / 3.5))):
                if made >= budget:
                    break
                if rng.random() < 0.25:
                    leaf = self.sampler.leaf_for(rng, taste)
                product = self.sampler.product(rng, leaf, taste.band)
                if product is None or run.product_age[product] <= age:
                    continue
                self.interaction(user, product, InteractionKind.VIEW, 1, age)
                made += 1
                if rng.random() < 0.06 and made < budget:
                    self.interaction(user, product, InteractionKind.CART, 1, age - 20)
                    made += 1
                age = max(30.0, age - rng.uniform(20, 240))

    def flush(self) -> None:
        writers = (
            self.orders, self.lines, self.events, self.payments, self.payment_events, self.refunds,
            self.refund_events,
            self.reviews, self.interactions,
        )  # fmt: skip
        for writer in writers:
            writer.flush()
        self.parcels.flush()
        if settings.ALIPAY_SANDBOX and self.trades:
            settled_trades_record(gateway="alipay", trades=self.trades)


def _history(run: _Run) -> None:
    history = _History(run)
    history.place_orders(run.options.orders)
    history.browse(max(0, run.options.interactions - sum(history.kinds.values())))
    history.flush()
    run.count("order lines", history.lines.count)
    run.count("order events", history.events.count)
    run.count("payment events", history.payment_events.count)
    run.count("refunds", history.refunds.count)
    run.count("shipments", history.parcels.shipments.count)
    run.count("shipment events", history.parcels.events.count)
    run.count("reviews", history.reviews.count)
    run.count("interactions", history.interactions.count)
    for kind, n in history.kinds.items():
        if n:
            run.count(f"{kind} interactions", n)
    result = run.result
    result.tastes = {
        run.user_ids[u]: tuple(run.leaf_category_ids[leaf] for leaf in taste.leaves)
        for u, taste in enumerate(history.tastes)
    }
    result.bands = {
        run.user_ids[u]: behaviour.BANDS[taste.band] for u, taste in enumerate(history.tastes)
    }
    result.co_purchases = [
        (run.product_ids[a], run.product_ids[b]) for a, b in history.pairs.items()
    ]


# --- Stage: aggregates ----------------------------------------------------------------------------
def _finish(run: _Run) -> None:
    reset_sequences([User, Product, ProductVariant, Order, OrderLine, Payment, Refund, Shipment])
    if connection.vendor == "postgresql":
        tables = [
            m._meta.db_table
            for m in (
                Product, ProductVariant, Stock, ProductImage, Review, Order, OrderLine,
                OrderEvent, Payment, PaymentEvent, Refund, RefundEvent, Interaction, User,
                Address, Category, Shipment, ShipmentLine, ShipmentEvent, Allocation,
            )
        ]  # fmt: skip
        # Fresh statistics for the planner, before the aggregates below: planned on the empty
        # tables' statistics, their per-product subqueries hash every paid order once per
        # product (half an hour at 100,000 products). VACUUM also sets the visibility map,
        # without which PostgreSQL cannot use index-only scans. VACUUM cannot run inside a
        # transaction (as in tests), ANALYZE can.
        _vacuum(tables)
    run.count("products refreshed", product_stats_refresh())
    run.count("sales counts set", product_sales_counts_refresh())
    # The pictures went in without signals: each product's card picture (and stock flag) now.
    run.count("card pictures set", product_availability_refresh())
    if connection.vendor == "postgresql":
        # The three refreshes rewrote every product row: without this the storefront reads a
        # table of dead rows, and no index-only scan, until autovacuum comes by.
        _vacuum([Product._meta.db_table])
    bump_catalog_version()


def _vacuum(tables: list[str]) -> None:
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
