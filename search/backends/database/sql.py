"""Tables, columns, sort orders and full-text query syntax shared by the database backends."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ... import analysis
from ...analysis import Clause, ParsedQuery
from ...models import (
    FrequentStem,
    SearchDocument,
    SearchIndexState,
    SearchTerm,
    StemFacetCount,
    StemPosting,
)
from ..base import (
    PRICE_BANDS,
)

logger = logging.getLogger(__name__)


DOC = SearchDocument._meta.db_table

TERM = SearchTerm._meta.db_table

STATE = SearchIndexState._meta.db_table

FREQUENT = FrequentStem._meta.db_table

POSTING = StemPosting._meta.db_table

FACET = StemFacetCount._meta.db_table

CHUNK = 1000


# The whole catalog's facet counts (those of a search without words) are kept like a frequent
# stem's, under this stem, which no word has; its FrequentStem row says they are kept.
CATALOG_STEM = ""

# A search without words restricted to a price range ("under 200") takes the counts of the price
# steps wholly inside the range from counts kept the same way (one stem per step:
# PRICE_STEP_STEM + its position), and reads only the documents in the steps the range cuts.
# The steps' lower bounds, in yuan (the price bands' among them), after the first, 0; the
# FrequentStem row PRICE_STEPS_STEM holds those the kept counts were made with (its words), so
# other bounds read every document until the next rebuild.
PRICE_STEPS = (10, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000)
PRICE_STEP_STEM = "$p"
PRICE_STEPS_STEM = "$steps"
PRICE_STEPS_WORDS = " ".join(str(bound) for bound in PRICE_STEPS)


# Rows per INSERT of postings or facet counts (well under SQLite's limit of bound parameters).
WRITE_BATCH = 2000


# Other spellings tried for a search whose words are all known but found together nowhere.
RESPELL_TRIES = 3

COMBOS_KEY = "search:db:{backend}:combos:{version}"

STOCKED_KEY = "search:db:{backend}:stocked:{version}"

COMBOS_SECONDS = 3600


# The columns a search reads from a matching document besides its text.
COLUMNS = (
    "d.product_id, d.category_id, d.brand_id, d.price, d.rating_avg, d.rating_count, "
    "d.sales_count, d.created_at, d.in_stock, d.popularity_log"
)

BAND_KEYS = tuple(PRICE_BANDS)


ORDERS = {
    "relevance": "tier DESC, score DESC, product_id DESC",
    "price_asc": "price ASC, product_id ASC",
    "price_desc": "price DESC, product_id DESC",
    "newest": "created_at DESC, product_id DESC",
    "best_selling": "sales_count DESC, product_id DESC",
    "rating": "rating_avg DESC, rating_count DESC, product_id DESC",
}


@dataclass(frozen=True)
class IndexState:
    version: int
    max_popularity: float


@dataclass
class Plan:
    """A query resolved against the vocabulary."""

    parsed: ParsedQuery
    did_you_mean: str | None = None


def in_list(column: str, values: list[int]) -> tuple[str, list]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


# FTS5 columns of the name, brand, category and attributes: where a synonym counts, and where a
# hit ranks above one matching only in its description.
HEAD_COLUMNS = "{name brand category attrs}"


def fts_clause(clause: Clause) -> str:
    """One clause in FTS5 query syntax (tokens are [a-z0-9] or CJK only: safe inside quotes):
    the shopper's words anywhere, or one of their synonyms in the name, brand, category or
    attributes."""
    own = fts_own_clause(clause)
    if not clause.synonyms:
        return own
    synonyms = " OR ".join(fts_own_clause(s) for s in clause.synonyms)
    return f"({own} OR {HEAD_COLUMNS} : ({synonyms}))"


def fts_own_clause(clause: Clause) -> str:
    """The clause by the shopper's own words (their forms and corrections) only. A Chinese word
    in no document (no alternatives) matches the fallback tokens: its bigrams in a row; a single
    character matches them always. A name-only clause is matched in the name column."""
    if clause.parts:
        return "(" + " AND ".join(fts_own_clause(p) for p in clause.parts) + ")"
    if clause.phrase:
        return '"' + " ".join(clause.phrase) + '"'
    options = [f'"{a}"' for a in clause.alternatives]
    if clause.prefix:
        options.append(f'"{clause.prefix}"*')
    if clause.is_cjk and len(clause.word) == 1:
        options.append(f'"{analysis.fallback_token(clause.word)}"')
    if not options and clause.is_cjk:
        grams = [analysis.fallback_token(g) for g in analysis.bigrams(clause.word)]
        return '"' + " ".join(grams) + '"'
    if not options:
        options = [f'"{clause.word}"']
    if clause.name_only:
        return "({name} : (" + " OR ".join(options) + "))"
    return "(" + " OR ".join(options) + ")"


# The weights of the name, brand, category and attributes (all that `head` holds).
HEAD_WEIGHTS = "ABC"


def tsquery_clause(
    clause: Clause, weights: str = "", loose: bool = False, own: bool = False
) -> str:
    """One clause in PostgreSQL tsquery syntax; `weights` ("AB") limits it to those fields (a
    name-only clause to the name, A).
    `loose`: a phrase's words in any order and place (what a GIN index answers without reading
    the document's positions). A clause's synonyms count in the name, brand, category and
    attributes only; `own`: not at all (the shopper's own words, their forms and
    corrections)."""
    words = _tsquery_words(clause, weights, loose)
    if own or not clause.synonyms:
        return words
    # The loose query only finds candidates (its weights would be checked on every one).
    limited = "" if loose else "".join(w for w in HEAD_WEIGHTS if not weights or w in weights)
    synonyms = [_tsquery_words(s, limited, loose) for s in clause.synonyms]
    return "(" + " | ".join([words, *synonyms]) + ")"


def _tsquery_words(clause: Clause, weights: str, loose: bool) -> str:
    if clause.parts:
        return "(" + " & ".join(_tsquery_words(p, weights, loose) for p in clause.parts) + ")"
    followed_by = " & " if loose else " <-> "
    if clause.name_only and not loose:
        weights = "A"
    if clause.phrase:
        return "(" + followed_by.join(f"'{t}'{_w(weights)}" for t in clause.phrase) + ")"
    options = [f"'{a}'{_w(weights)}" for a in clause.alternatives]
    if clause.prefix:
        options.append(f"'{clause.prefix}':*{weights}")
    if clause.is_cjk and len(clause.word) == 1:
        options.append(f"'{analysis.fallback_token(clause.word)}'{_w(weights)}")
    if not options and clause.is_cjk:
        grams = [analysis.fallback_token(g) for g in analysis.bigrams(clause.word)]
        return "(" + followed_by.join(f"'{t}'{_w(weights)}" for t in grams) + ")"
    if not options:
        options = [f"'{clause.word}'{_w(weights)}"]
    return "(" + " | ".join(options) + ")"


def _w(weights: str) -> str:
    return f":{weights}" if weights else ""
