"""Query planning against the vocabulary: other forms of a word, typo corrections, other
spellings tried when all words are known but found together nowhere, and the words searched for
instead when no product has them all (search/partial.py)."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.db import connection
from rapidfuzz.distance import OSA

from ... import analysis, partial, vocabulary
from ...analysis import ParsedQuery
from ...models import (
    SearchTerm,
)
from ..base import (
    SearchQuery,
)
from .sql import RESPELL_TRIES, TERM, Plan

logger = logging.getLogger(__name__)


class QueryPlanningMixin:
    """Resolving query words against the vocabulary (part of DatabaseBackend)."""

    def _resolve(self, parsed: ParsedQuery, *, fix_typos: bool = True) -> Plan:
        """Give each word its vocabulary forms; read Chinese words and pinyin against the
        vocabulary (search/vocabulary.py); take a Latin word found nowhere for the closest
        vocabulary word (a typo), or failing that for the beginning of longer words."""
        changed = vocabulary.resolve_chinese(parsed)
        latin = [
            c for c in parsed.clauses
            if not c.is_phrase and not c.is_cjk and not c.exact and len(c.word) > 1
        ]  # fmt: skip
        if not latin:
            return Plan(parsed=parsed, did_you_mean=_did_you_mean(parsed) if changed else None)
        by_stem: dict[str, set[str]] = {}
        stems = {analysis.stem(c.word) for c in latin}
        for term, stem in SearchTerm.objects.filter(stem__in=stems).values_list("term", "stem"):
            by_stem.setdefault(stem, set()).add(term)
        with connection.cursor() as cursor:
            unknown = []
            for clause in latin:
                forms = by_stem.get(analysis.stem(clause.word), set())
                if forms:
                    clause.alternatives = tuple(sorted(forms | {clause.word}))
                elif clause.word.isdigit():
                    clause.alternatives = (clause.word,)
                else:
                    unknown.append(clause)
            # An exact pinyin reading comes before any typo correction.
            if unknown:
                read = {id(c) for c in vocabulary.read_pinyin(parsed, unknown)}
                changed = changed or bool(read)
                unknown = [c for c in unknown if id(c) not in read]
            corrections = self._correct(cursor, [c.word for c in unknown]) if fix_typos else {}
            # Every correction's other forms, in one query.
            correction_forms: dict[str, set[str]] = {}
            if corrections:
                stems = {analysis.stem(w) for w in corrections.values()}
                for term, stem in SearchTerm.objects.filter(stem__in=stems).values_list(
                    "term", "stem"
                ):
                    correction_forms.setdefault(stem, set()).add(term)
            for clause in unknown:
                correction = corrections.get(clause.word)
                if correction:
                    clause.corrected = correction
                    forms = correction_forms.get(analysis.stem(correction), set())
                    clause.alternatives = tuple(sorted(forms | {correction}))
                    changed = True
                elif len(clause.word) >= 3 and self._has_prefix(cursor, clause.word):
                    clause.prefix = clause.word
                    clause.alternatives = ()
                else:
                    clause.alternatives = (clause.word,)  # found nowhere
        return Plan(parsed=parsed, did_you_mean=_did_you_mean(parsed) if changed else None)

    def _respelled(self, plan: Plan, query: SearchQuery, filters, weights, state) -> dict | None:
        """When no product has every word although each is in the vocabulary, one of them may
        be a typo that happens to be a word ("matt" for "mat"): each word's nearest other
        vocabulary words (the fewest edits, then the most documents; at most RESPELL_TRIES
        tried) are tried in its place, one word at a time, and the first that finds products is
        kept, as a "did you mean". The rows found, or None (the plan is left as it was)."""
        clauses = [
            c for c in plan.parsed.clauses
            if not c.is_phrase and not c.is_cjk and not c.prefix and not c.corrected
            and not c.exact and analysis.max_typo_distance(c.word)
        ]  # fmt: skip
        if not clauses:
            return None
        with connection.cursor() as cursor:
            found = self.typo_candidates_many(cursor, [c.word for c in clauses])
        options = []
        for position, clause in enumerate(clauses):
            allowed = analysis.max_typo_distance(clause.word)
            for term, doc_count in found[clause.word]:
                if term in clause.alternatives:
                    continue
                distance = OSA.distance(clause.word, term, score_cutoff=allowed)
                if distance <= allowed:
                    options.append((distance, -doc_count, term, position))
        for _distance, _count, term, position in sorted(options)[:RESPELL_TRIES]:
            clause = clauses[position]
            before = clause.alternatives
            forms = SearchTerm.objects.filter(stem=analysis.stem(term)).values_list(
                "term", flat=True
            )
            clause.alternatives = tuple(sorted({*forms, term}))
            rows = self._run(plan, query, filters, weights, state)
            if rows["total"]:
                clause.corrected = term
                plan.did_you_mean = _did_you_mean(plan.parsed)
                return rows
            clause.alternatives = before
        return None

    def _narrowed(self, plan: Plan, filters) -> tuple[Plan, bool] | None:
        """When no product has every word: the plan of the words to search for instead (see
        search/partial.py) and whether they find a product by its name, brand or attributes
        (if not, they are only offered: "dog food" finding groceries only through the category
        "Food & Drink"). None: no word finds anything."""
        clauses = plan.parsed.clauses

        def narrowed(positions: tuple[int, ...]) -> Plan:
            parsed = replace(plan.parsed, clauses=[clauses[i] for i in positions])
            return Plan(parsed=parsed, did_you_mean=plan.did_you_mean)

        def exists(positions: tuple[int, ...], strong: bool) -> bool:
            fields = "strong" if strong else "all"
            return self._exists(narrowed(positions).parsed, filters, fields=fields)

        found = partial.narrow([len(c.word.split()) for c in clauses], exists)
        if found is None:
            return None
        return narrowed(found[0]), found[1]

    def _exists(self, parsed: ParsedQuery, filters, *, fields: str = "all") -> bool:
        """Whether a product passing the filters matches these words (in these fields)."""
        source, params = self.match_source(parsed, fields=fields, rank=False)
        where = [sql for sql, _params in filters.values()]
        where_params = [p for _sql, ps in filters.values() for p in ps]
        sql = f"SELECT 1 FROM ({source}) s"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(f"{self.statement_prefix}{sql} LIMIT 1", [*params, *where_params])
            return cursor.fetchone() is not None

    def _correct(self, cursor, words: list[str]) -> dict[str, str]:
        """word -> the vocabulary word it was most likely meant to be, for the words that have
        one: the fewest edits, then the most documents."""
        allowed = {w: analysis.max_typo_distance(w) for w in words}
        wanted = [w for w, n in allowed.items() if n]
        if not wanted:
            return {}
        corrections = {}
        for word, candidates in self.typo_candidates_many(cursor, wanted).items():
            best: tuple[int, int, str] | None = None
            for term, doc_count in candidates:
                distance = OSA.distance(word, term, score_cutoff=allowed[word])
                if distance > allowed[word]:
                    continue
                key = (distance, -doc_count, term)
                if best is None or key < best:
                    best = key
            if best:
                corrections[word] = best[2]
        return corrections

    def _has_prefix(self, cursor, word: str) -> bool:
        cursor.execute(
            f"SELECT 1 FROM {TERM} WHERE term >= %s AND term < %s LIMIT 1", [word, word + "\uffff"]
        )
        return cursor.fetchone() is not None


def _did_you_mean(parsed: ParsedQuery) -> str:
    return " ".join(c.corrected if c.corrected else c.word for c in parsed.clauses)
