"""What Chinese segmentation and pinyin cost the database index: documents analysed per second
with the text split into dictionary words (and the bigram fallback) against overlapping bigrams
only (the index before segmentation), the pinyin keys of the vocabulary's Chinese words, and the
one-off work of a rebuild: choosing the dictionary from the catalog and loading the segmenter.

    .venv/bin/python benchmarks/search_indexing.py [--database-url ...] [--sample 20000]

Reads the products of a seeded shop (by default the latency benchmark's PostgreSQL database,
made by `make bench-search-latency`) and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import search_setup

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench_search"
ROUNDS = 3


class Bigrams:
    """A stand-in segmenter: every run as overlapping bigrams, as the index was before."""

    @staticmethod
    def index_words(run: str) -> list[str]:
        from search.analysis import bigrams

        return bigrams(run)


def measure(sample: int) -> dict:
    import django

    django.setup()
    from catalog.models import Brand, Category, Product
    from search import analysis, chinese

    categories = list(Category.objects.values_list("name_en", "name_zh_hans"))
    products = list(
        Product.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("name_en", "name_zh_hans", "description_en", "description_zh_hans")[:sample]
    )
    names_zh = list(
        Product.objects.filter(is_active=True).values_list("name_zh_hans", flat=True).iterator()
    )

    started = time.perf_counter()
    words = chinese.dictionary_words(
        categories=[zh for _en, zh in categories],
        brands=Brand.objects.values_list("name", flat=True),
        products=names_zh,
    )
    choose_seconds = time.perf_counter() - started
    started = time.perf_counter()
    segmenter = chinese.Segmenter(words)
    load_seconds = time.perf_counter() - started

    def analyse(with_segmenter, fallback: bool) -> float:
        """Documents per second, the best of ROUNDS passes (the first warms the caches)."""
        best = float("inf")
        for _round in range(ROUNDS):
            started = time.perf_counter()
            for name_en, name_zh, description_en, description_zh in products:
                analysis.index_text(name_en, name_zh, segmenter=with_segmenter)
                analysis.index_text(description_en, description_zh, segmenter=with_segmenter)
                if fallback:
                    analysis.fallback_text(name_zh)
            best = min(best, time.perf_counter() - started)
        return len(products) / best

    bigram_rate = analyse(Bigrams(), fallback=False)
    word_rate = analyse(segmenter, fallback=True)

    vocabulary: set[str] = set()
    for _name_en, name_zh, _description_en, description_zh in products:
        vocabulary |= analysis.chinese_words(
            analysis.index_text(name_zh, description_zh, segmenter=segmenter)
        )
    started = time.perf_counter()
    for word in vocabulary:
        chinese.pinyin_key(word)
        chinese.initials_key(word)
    pinyin_seconds = time.perf_counter() - started
    return {
        "documents": len(products),
        "bigrams_docs_per_second": round(bigram_rate),
        "words_docs_per_second": round(word_rate),
        "dictionary_words": len(words),
        "choose_dictionary_seconds": round(choose_seconds, 2),
        "catalog_names": len(names_zh),
        "load_segmenter_seconds": round(load_seconds, 2),
        "chinese_vocabulary_words": len(vocabulary),
        "pinyin_words_per_second": round(len(vocabulary) / pinyin_seconds) if vocabulary else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.sample)))
        return
    out = subprocess.run(
        [sys.executable, __file__, "--measure", "--sample", str(args.sample)],
        cwd=search_setup.ROOT,
        env=search_setup.postgres_env(args.database_url),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"Chinese indexing cost, {result['documents']:,} documents")
    print(f"  analysed as bigrams only:        {result['bigrams_docs_per_second']:>8,} docs/s")
    print(f"  as dictionary words + fallback:  {result['words_docs_per_second']:>8,} docs/s")
    print(
        f"  pinyin keys:                     {result['pinyin_words_per_second']:>8,} words/s "
        f"({result['chinese_vocabulary_words']:,} Chinese words)"
    )
    print(
        f"  rebuild, once: choosing {result['dictionary_words']:,} dictionary words from "
        f"{result['catalog_names']:,} names {result['choose_dictionary_seconds']} s, "
        f"loading the segmenter {result['load_segmenter_seconds']} s"
    )


if __name__ == "__main__":
    main()
