"""Search: the ranking settings merchants tune, the query log behind the admin report, and the
database backends' index (one document per active product, and the vocabulary of indexed words
used to correct typos)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, SingletonSettings

from . import ranking

SETTINGS_CACHE_KEY = "search:settings"


class SearchSettings(SingletonSettings):
    """How relevance blends text match with popularity, rating and stock (see ranking.py).
    One row; read it with SearchSettings.load() (cached until it is saved)."""

    cache_key = SETTINGS_CACHE_KEY
    cache_seconds = 3600

    popularity_weight = models.DecimalField(
        _("popularity weight"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.3"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("How much sales and views lift a product (0 = not at all)."),
    )
    rating_weight = models.DecimalField(
        _("rating weight"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("How much a good average rating lifts a product (0 = not at all)."),
    )
    out_of_stock_factor = models.DecimalField(
        _("out-of-stock factor"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "The score of a sold-out product is multiplied by this (1 = no penalty, 0 = last)."
        ),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("search ranking settings")
        verbose_name_plural = _("search ranking settings")

    def __str__(self) -> str:
        return str(_("Search ranking settings"))

    def weights(self) -> ranking.Weights:
        return ranking.Weights(
            popularity_weight=float(self.popularity_weight),
            rating_weight=float(self.rating_weight),
            out_of_stock_factor=float(self.out_of_stock_factor),
        )


class SearchQueryLog(models.Model):
    """One search a shopper ran (results page, first page only). No user, session or address:
    only what was asked and how many products answered."""

    query = models.CharField(_("query"), max_length=200)
    language = models.CharField(_("language"), max_length=10)
    result_count = models.PositiveIntegerField(_("results"))
    backend = models.CharField(_("backend"), max_length=20)
    created_at = models.DateTimeField(_("searched at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        indexes = [
            models.Index(fields=["created_at", "query"], name="search_log_recent"),
            models.Index(fields=["result_count", "created_at"], name="search_log_empty"),
        ]

    def __str__(self) -> str:
        return self.query


# What a search needs of each document besides its text: filters, sort keys and ranking.
COVERED = [
    "brand_id", "in_stock", "price", "rating_avg", "rating_count", "sales_count",
    "popularity_log", "created_at", "product_id",
]  # fmt: skip


class SearchDocument(models.Model):
    """What the database backends search: one row per active product, denormalised at indexing
    time. The *_text columns hold analysed tokens (search/analysis.py); SQLite indexes them in the
    FTS5 table `search_fts`, PostgreSQL in the generated, GIN-indexed `vector` column (both added
    by migration 0002, outside the ORM)."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Plain ids, no constraints: the document is rewritten from the catalog, never joined back.
    category_id = models.BigIntegerField()
    brand_id = models.BigIntegerField(null=True)
    slug = models.CharField(max_length=220)
    name_en = models.CharField(max_length=200)
    name_zh_hans = models.CharField(max_length=200, blank=True)
    description_en = models.TextField(blank=True)
    description_zh_hans = models.TextField(blank=True)
    name_text = models.TextField(blank=True)
    brand_text = models.TextField(blank=True)
    category_text = models.TextField(blank=True)
    attrs_text = models.TextField(blank=True)
    description_text = models.TextField(blank=True)
    price = models.DecimalField(**MONEY)
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    sales_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    popularity = models.FloatField(default=0)
    # ln(1 + popularity), so ranking needs no logarithm in SQL (see ranking.py).
    popularity_log = models.FloatField(default=0, db_index=True)
    in_stock = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product_id"]
        # Covering indexes: a search without words (browsing a category or brand) reads its
        # page and counts from the index alone, never from the wide rows.
        indexes = [
            models.Index(fields=["category_id", *COVERED], name="search_doc_category_cover"),
            models.Index(
                fields=["brand_id", "category_id", *COVERED[1:]], name="search_doc_brand_cover"
            ),
            # A price read from the words ("under 200") with no other word: the page and the
            # counts of the products in the range, from the index alone.
            models.Index(
                fields=["price", "category_id", "brand_id", "in_stock", *COVERED[3:]],
                name="search_doc_price_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en


class SearchTerm(models.Model):
    """A word of the indexed text, with its stem and how many documents hold it: the
    vocabulary that query words are expanded (same stem) and corrected (typos) against. Chinese
    words (as the dictionary segments them) are in it too, with their pinyin without tones
    ("lanya") and its initials ("ly"), so pinyin and homophone typos find them."""

    term = models.CharField(max_length=64, unique=True)
    stem = models.CharField(max_length=64, db_index=True)
    doc_count = models.PositiveIntegerField(default=0)
    pinyin = models.CharField(max_length=255, blank=True, db_index=True)
    initials = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class SearchDictionary(models.Model):
    """One row: the words added to the Chinese segmenter's own dictionary at the last rebuild
    (the catalog's category, brand and product words and the shipped glossary), one per line.
    Documents and queries are segmented with exactly these words until the next rebuild, so a
    word is split the same way on both sides; `version` (a digest of the words) tells each
    process when to load them again."""

    words = models.TextField(blank=True)
    version = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("search dictionary")
        verbose_name_plural = _("search dictionary")

    def __str__(self) -> str:
        return f"search dictionary {self.version[:8]}"


class Synonym(models.Model):
    """A rule of the shop-wide synonym list that operators edit in admin, applied by every
    backend when a query is read: two-way (every term finds the others: sneakers, trainers,
    运动鞋) or one-way (the terms also find the targets, not the other way round: cell phone =>
    smartphone). A term is a word or a phrase, in either language. A product named by the
    shopper's own words always ranks above one found through a synonym."""

    class Kind(models.TextChoices):
        TWO_WAY = "two_way", _("two-way (each finds the others)")
        ONE_WAY = "one_way", _("one-way (terms also find the targets)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TWO_WAY)
    terms = models.TextField(
        _("terms"), help_text=_("Words or phrases, separated by commas (English or Chinese).")
    )
    targets = models.TextField(
        _("targets"),
        blank=True,
        help_text=_("One-way only: what a search for the terms also finds, separated by commas."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        if self.kind == self.Kind.ONE_WAY:
            return f"{self.terms} => {self.targets}"
        return self.terms


class FrequentStem(models.Model):
    """A stem held by many documents (SEARCH_FREQUENT_STEM_SHARE of them at the last rebuild):
    a one-word search for it reads its postings and facet counts below instead of visiting every
    matching document. The set is chosen by `rebuild` and kept until the next one; `words` is
    the vocabulary's words with this stem, the query its postings' text scores were computed for
    (a search uses them only while its words are exactly these)."""

    stem = models.CharField(max_length=64, primary_key=True)
    words = models.TextField()

    class Meta:
        ordering = ["stem"]

    def __str__(self) -> str:
        return self.stem


class StemPosting(models.Model):
    """A document holding a word of a frequent stem, with what the first ranking pass of a
    search for it reads: the text score of its name, brand, category and attributes for the
    stem's words (PostgreSQL; SQLite ranks by BM25, which changes with every write, and leaves
    it empty) and the document's static ranking inputs. Rewritten with the document."""

    pk = models.CompositePrimaryKey("product_id", "stem")
    product_id = models.BigIntegerField()
    stem = models.CharField(max_length=64)
    text_score = models.FloatField(null=True)
    popularity_log = models.FloatField()
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2)
    in_stock = models.BooleanField()

    class Meta:
        # Covering: a search for a frequent stem ranks its documents from this index alone.
        indexes = [
            models.Index(
                fields=["stem", "product_id", "text_score", "popularity_log", "rating_avg",
                        "in_stock"],
                name="search_posting_rank_cover",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.stem} {self.product_id}"


class StemFacetCount(models.Model):
    """How many documents holding a frequent stem share one combination of the facet values (the
    GROUP BY of a search's facet counts, precomputed): kept exact by every index write, in the
    same transaction. `brand_id` is 0 for none (NULLs would never conflict on upsert)."""

    pk = models.CompositePrimaryKey(
        "stem", "category_id", "brand_id", "price_band", "rating_floor", "in_stock"
    )
    stem = models.CharField(max_length=64)
    category_id = models.BigIntegerField()
    brand_id = models.BigIntegerField()
    price_band = models.SmallIntegerField()
    rating_floor = models.SmallIntegerField()
    in_stock = models.SmallIntegerField()
    n = models.IntegerField()

    class Meta:
        # Combinations whose count fell to zero, deleted after each write.
        indexes = [
            models.Index(fields=["stem"], condition=models.Q(n=0), name="search_facet_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.stem}: {self.n}"


class SearchIndexState(models.Model):
    """One row: the database index's version, bumped in the same transaction as every write to
    the index, and the highest popularity in it (the ranking's denominator). Results that depend
    on the whole index (the facet counts of a search without words) are cached under the
    version, so no process ever serves counts of an index that has changed since."""

    version = models.BigIntegerField(default=0)
    max_popularity = models.FloatField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"search index v{self.version}"
