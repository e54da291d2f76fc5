"""Search relevance: NDCG@10, P@5 and MRR of a labelled query set over the demo catalog, per
backend, per kind of query and per language.

The queries (benchmarks/search_queries.json: plain words, typos, phrases, Chinese, brand +
category, long tail, and the way shoppers type: synonyms, price and colour words, Chinese typos,
pinyin, filler words, things the shop does not sell) name the products a shopper would expect by
rules over what the demo generator built each product from (its kind, leaf category, brand,
Chinese name, price, colours), graded 2 (exactly what was asked for) or 1 (an acceptable
alternative). The labels never look at what an engine returns. Each query is searched as the
results page searches it (`search.services.search_understood`: price and colour words read
first). P@5: the share of the first five hits that are exact matches, out of at most the number
of exact matches there are. A not-sold query (no labels) scores 1 when no product is shown, else
0, reported on its own line.

    .venv/bin/python benchmarks/search_relevance.py [--backends sqlite,postgres,elasticsearch]

The small demo shop (2,000 products, seed 42) is seeded when missing: into a SQLite file under
var/bench/, and into the PostgreSQL database `shop_search_relevance` (--database-url). The
Elasticsearch row indexes the SQLite catalog into an osmem-server (an in-memory
OpenSearch-compatible server, a dev dependency). Targets: NDCG@10 >= 0.8 on the database backends,
and Elasticsearch at least as high.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import search_setup

QUERIES = Path(__file__).resolve().parent / "search_queries.json"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_search_relevance"
K = 10
P_AT = 5
NOT_SOLD = "not_sold"
CJK = re.compile(r"[\u3400-\u9fff]")


def _matches(rule: dict, product: dict) -> bool:
    for key, value in rule.items():
        if key == "cheapest_share":
            continue  # applied over every product matching the rest (see grades)
        if key in ("kind", "name"):
            if not re.search(rf"\b{re.escape(value)}\b", product["name_en"], re.IGNORECASE):
                return False
        elif key == "zh":
            if value not in (product["name_zh_hans"] or ""):
                return False
        elif key == "category":
            if product["category__slug"] != value:
                return False
        elif key == "brand":
            if product["brand__name"] != value:
                return False
        elif key == "max_price":
            if product["price"] > value:
                return False
        elif key == "min_price":
            if product["price"] < value:
                return False
        elif key == "colour":
            if value not in product["colours"]:
                return False
        else:
            raise ValueError(f"unknown rule key {key!r}")
    return True


def grades(query: dict, products: list[dict]) -> dict[int, int]:
    labelled: dict[int, int] = {}
    for grade, key in ((2, "grade2"), (1, "grade1")):
        for rule in query.get(key, []):
            matching = [p for p in products if _matches(rule, p)]
            if "cheapest_share" in rule and matching:
                prices = sorted(p["price"] for p in matching)
                ceiling = prices[max(1, math.ceil(len(prices) * rule["cheapest_share"])) - 1]
                matching = [p for p in matching if p["price"] <= ceiling]
            for product in matching:
                if product["id"] not in labelled:
                    labelled[product["id"]] = grade
    return labelled


def ndcg(ranked: list[int], labels: dict[int, int], k: int = K) -> float:
    dcg = sum((2 ** labels.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(labels.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision(ranked: list[int], labels: dict[int, int], k: int = P_AT) -> float:
    exact = sum(1 for g in labels.values() if g == 2)
    if not exact:
        return 0.0
    return sum(1 for pid in ranked[:k] if labels.get(pid) == 2) / min(k, exact)


def reciprocal_rank(ranked: list[int], labels: dict[int, int], k: int = K) -> float:
    for i, pid in enumerate(ranked[:k]):
        if labels.get(pid) == 2:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(backend_name: str) -> dict:
    """Runs inside a process configured for the backend's database."""
    import django

    django.setup()
    from catalog.models import Product, ProductVariant
    from search.backends.base import SearchQuery
    from search.services import database_backend, search_understood

    server = None
    if backend_name == "elasticsearch":
        from search.backends.elasticsearch.backend import ElasticsearchBackend
        from tests.search.osmem import osmem_client, start_server

        server = start_server()
        backend = ElasticsearchBackend(client=osmem_client(server.url), refresh=True)
        backend.ensure_index()
        backend.rebuild()
    else:
        backend = database_backend()
    products = list(
        Product.objects.filter(is_active=True).values(
            "id", "name_en", "name_zh_hans", "category__slug", "brand__name", "price"
        )
    )
    colours: dict[int, set[str]] = {}
    for product_id, attributes in ProductVariant.objects.filter(is_active=True).values_list(
        "product_id", "attributes"
    ):
        if isinstance(attributes, dict) and attributes.get("colour"):
            colours.setdefault(product_id, set()).add(str(attributes["colour"]))
    for product in products:
        product["colours"] = colours.get(product["id"], set())
    queries = json.loads(QUERIES.read_text())["queries"]
    rows = []
    for query in queries:
        labels = grades(query, products)
        language = query.get("language") or ("zh-hans" if CJK.search(query["q"]) else "en")
        result = search_understood(
            backend, SearchQuery(text=query["q"], language=language, per_page=K)
        )
        ranked = [hit.product_id for hit in result.hits]
        rows.append(
            {
                "class": query["class"],
                "q": query["q"],
                "language": "zh" if language == "zh-hans" else "en",
                "relevant": sum(1 for g in labels.values() if g == 2),
                "ndcg": ndcg(ranked, labels),
                "p": precision(ranked, labels),
                "rr": reciprocal_rank(ranked, labels),
                "shown": len(ranked),
            }
        )
    if server is not None:
        server.close()
    return {"backend": backend.name, "products": len(products), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres,elasticsearch")
    parser.add_argument(
        "--database-url", default=DEFAULT_DB, help="PostgreSQL (created if missing)"
    )
    parser.add_argument(
        "--sqlite-dir", default=str(search_setup.ROOT / "var" / "bench" / "search-relevance")
    )
    parser.add_argument("--verbose", action="store_true", help="print every query's figures")
    parser.add_argument("--evaluate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.evaluate:
        print(json.dumps(evaluate(args.evaluate)))
        return

    results = []
    for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
        print(f"== {name} ==", flush=True)
        if name == "postgres":
            search_setup.ensure_postgres_database(args.database_url)
            env = search_setup.postgres_env(args.database_url)
        else:
            env = search_setup.sqlite_env(Path(args.sqlite_dir))
        search_setup.prepare(env, "small")
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--evaluate",
                "elasticsearch" if name == "elasticsearch" else "db",
            ],
            cwd=search_setup.ROOT,
            env=env,
            check=True,
            text=True,
            capture_output=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))

    queries = json.loads(QUERIES.read_text())["queries"]
    classes = list(dict.fromkeys(q["class"] for q in queries if q["class"] != NOT_SOLD))
    print(
        f"\n{len(queries)} labelled queries: NDCG@{K} / P@{P_AT} / MRR (first exact match in the "
        f"top {K}); not sold: the share showing no product"
    )
    for result in results:
        rows = result["rows"]
        sold = [r for r in rows if r["class"] != NOT_SOLD]
        print(f"\n{result['backend']} ({result['products']:,} products)")
        print(f"  {'':<16}{'queries':>8}{'NDCG@10':>9}{'P@5':>7}{'MRR':>7}")
        groups = [(cls, [r for r in sold if r["class"] == cls]) for cls in classes]
        groups += [
            (f"language {lang}", [r for r in sold if r["language"] == lang])
            for lang in ("en", "zh")
        ]
        groups.append(("all", sold))
        for name, part in groups:
            if not part:
                continue
            mean = {m: sum(r[m] for r in part) / len(part) for m in ("ndcg", "p", "rr")}
            print(
                f"  {name:<16}{len(part):>8}{mean['ndcg']:>9.3f}{mean['p']:>7.2f}{mean['rr']:>7.2f}"
            )
        not_sold = [r for r in rows if r["class"] == NOT_SOLD]
        if not_sold:
            honest = sum(1 for r in not_sold if not r["shown"])
            line = f"  {'not sold':<16}{len(not_sold):>8}{honest / len(not_sold):>9.3f}"
            print(line + f"  ({honest} of {len(not_sold)} show no product)")
        if args.verbose:
            for r in rows:
                if r["class"] == NOT_SOLD:
                    figures = f"shows {r['shown']:>2} products"
                else:
                    figures = f"{r['ndcg']:.3f} {r['p']:.2f} {r['rr']:.2f} {r['relevant']:>4}"
                print(f"    {figures}  {r['class']:<15} {r['q']}")
    print(f"\ntarget: NDCG@{K} >= 0.8 on the database backends; Elasticsearch at least as high")


if __name__ == "__main__":
    main()
