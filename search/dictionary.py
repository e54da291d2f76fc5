"""The Chinese segmenter's dictionary as the index uses it: chosen from the catalog at every
rebuild and stored (SearchDictionary), so documents and queries are split with the same words
until the next rebuild; each process builds its segmenter once per stored version.

A search reads the version from the cache (kept VERSION_SECONDS, written when a rebuild
commits), and the words from the database only when the version is new to its process. Indexing
reads the version from the database, so a rebuild's documents are split with its own words.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from catalog.models import Brand, Category, Product

from . import chinese
from .models import SearchDictionary, Synonym

VERSION_KEY = "search:dictionary:version"
VERSION_SECONDS = 60

_segmenters = chinese.SegmenterCache()


def current_segmenter(*, fresh: bool = False) -> chinese.Segmenter:
    """The segmenter of the stored dictionary (the glossary's before the first rebuild).
    `fresh`: the version read from the database, not the cache (for indexing)."""
    version = None if fresh else cache.get(VERSION_KEY)
    if version is None:
        version = SearchDictionary.objects.values_list("version", flat=True).first() or ""
        if not fresh:
            cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return _segmenters.get(version, _stored_words)


def _stored_words() -> list[str]:
    row = SearchDictionary.objects.first()
    return row.words.split() if row is not None else chinese.glossary()


@transaction.atomic
def search_dictionary_rebuild() -> SearchDictionary:
    """Choose the dictionary's words from the catalog (categories, brands, the head nouns of
    active products' names), the synonym list's Chinese terms and the glossary, and store them
    as the one row. Called by the database index's rebuild, in its transaction, after it has
    locked the index state (so two rebuilds never write the row at once)."""
    words = chinese.dictionary_words(
        categories=Category.objects.values_list("name_zh_hans", flat=True),
        brands=Brand.objects.values_list("name", flat=True),
        products=Product.objects.filter(is_active=True)
        .exclude(name_zh_hans="")
        .values_list("name_zh_hans", flat=True)
        .iterator(chunk_size=5000),
        synonyms=[
            term
            for terms, targets in Synonym.objects.filter(is_active=True).values_list(
                "terms", "targets"
            )
            for term in f"{terms},{targets}".split(",")
        ],
    )
    version = chinese.version_of(words)
    row = SearchDictionary.objects.first() or SearchDictionary()
    row.words = "\n".join(words)
    row.version = version
    row.updated_at = timezone.now()
    row.save()
    SearchDictionary.objects.exclude(pk=row.pk).delete()
    transaction.on_commit(lambda: cache.set(VERSION_KEY, version, VERSION_SECONDS))
    return row
