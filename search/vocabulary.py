"""Chinese query words and pinyin read against the vocabulary (SearchTerm, kept by the database
index whichever backend answers), for every backend.

- `resolve_chinese`: a Chinese word in the vocabulary matches as that word. A word in no
  document (a typo, often cut into pieces: 瑜珈垫 -> 瑜珈 垫) is read again, first its whole run,
  then its pieces around the unknown ones, as the vocabulary word spoken the same way (same
  pinyin, same length, sharing a character: 瑜伽垫, 帐篷), a "did you mean"; failing that a
  word is split into vocabulary words that spell it (蓝牙耳机 -> 蓝牙 耳机, when no document
  has it whole; the last, what the product is, must be in its name), or else matches its
  bigrams in the fallback tokens (no alternatives).
- `read_pinyin`: Latin words found nowhere in the Latin vocabulary that spell Chinese
  vocabulary words by their pinyin ("yujiadian" -> 瑜伽垫; "lanya erji", also read across the
  space; the last of several words must be in the product's name) or, a whole word, by the
  initials of a word of three or more characters ("lyej" -> 蓝牙耳机) are searched as those
  words.
- `read_query`: both, for a backend that matches the words its own way (Elasticsearch).

Each is one query of the vocabulary, by its unique term and indexed pinyin and initials.
"""

from __future__ import annotations

from django.db.models import Q

from . import analysis, chinese
from .analysis import Clause, ParsedQuery
from .dictionary import current_segmenter
from .models import SearchTerm

# The longest Latin text read as pinyin (its substrings are looked up: about n²/2 of them).
MAX_PINYIN = 24


def resolve_chinese(parsed: ParsedQuery) -> bool:
    """Give each Chinese word of `parsed` its vocabulary word (see the module); replaces typos
    and their pieces in `parsed.clauses`. Returns whether a word was corrected."""
    runs: dict[int, list[Clause]] = {}
    for clause in parsed.clauses:
        if clause.is_cjk and not clause.alternatives:
            runs.setdefault(clause.run, []).append(clause)
    if not runs:
        return False
    candidates = {
        "".join(c.word for c in run[i:j])
        for run in runs.values()
        for i in range(len(run))
        for j in range(i + 1, len(run) + 1)
    }
    # The pieces a word may be split into.
    candidates |= {
        c.word[i:j]
        for run in runs.values()
        for c in run
        for i in range(len(c.word))
        for j in range(i + 2, len(c.word) + 1)
    }
    keys = {chinese.pinyin_key(w): w for w in candidates if len(w) > 1}
    rows = SearchTerm.objects.filter(Q(term__in=candidates) | Q(pinyin__in=keys)).values_list(
        "term", "pinyin", "doc_count"
    )
    known: set[str] = set()
    spoken: dict[str, list[tuple[int, str]]] = {}
    for term, pinyin, doc_count in rows:
        if term in candidates:
            known.add(term)
        if pinyin in keys:
            spoken.setdefault(pinyin, []).append((doc_count, term))

    def reading(text: str) -> str | None:
        """`text` itself when it is a vocabulary word, else its most common homophone."""
        if text in known:
            return text
        options = [
            (n, term)
            for n, term in spoken.get(chinese.pinyin_key(text), [])
            if len(term) == len(text) and set(term) & set(text)
        ]
        return max(options)[1] if options else None

    replaced: dict[int, list[Clause]] = {}  # id of a span's first piece -> its reading
    gone: set[int] = set()  # ids of the pieces read
    for run in runs.values():
        taken: set[int] = set()
        for start, end in _spans(run, known):
            if taken & set(range(start, end)):
                continue
            text = "".join(c.word for c in run[start:end])
            found = reading(text)
            if found is not None:
                clause = Clause(word=text, alternatives=(found,), run=run[start].run)
                if found != text:
                    clause.corrected = found
                new = [clause]
            elif end - start == 1 and (pieces := _split(text, known)):
                new = [Clause(word=w, alternatives=(w,), run=run[start].run) for w in pieces]
                new[-1].name_only = True
            else:
                continue
            taken.update(range(start, end))
            replaced[id(run[start])] = new
            gone.update(id(c) for c in run[start:end])
    clauses: list[Clause] = []
    for clause in parsed.clauses:
        if id(clause) in replaced:
            clauses.extend(replaced[id(clause)])
        elif id(clause) not in gone:
            if clause.is_cjk and clause.word in known and not clause.alternatives:
                clause.alternatives = (clause.word,)
            clauses.append(clause)
    parsed.clauses = clauses
    return any(c.corrected for c in clauses if c.is_cjk)


def _spans(run: list[Clause], known: set[str]) -> list[tuple[int, int]]:
    """The pieces of one run to read again, as (start, end), in the order to try them (the
    caller keeps a span that reads unless it overlaps one kept before): when a piece is
    unknown, the whole run, then each stretch of unknown pieces and single characters (the
    fragments a typo leaves) holding an unknown one, then each unknown piece alone; known
    pieces alone match as they are."""
    unknown = [c.word not in known for c in run]
    if not any(unknown):
        return []
    spans = [(0, len(run))] if len(run) > 1 else []
    start = None
    for i, clause in enumerate([*run, None]):
        fragment = clause is not None and (unknown[i] or len(clause.word) == 1)
        if fragment and start is None:
            start = i
        elif not fragment and start is not None:
            if any(unknown[start:i]) and i - start > 1:
                spans.append((start, i))
            start = None
    spans += [(i, i + 1) for i, u in enumerate(unknown) if u]
    return spans


def _split(word: str, known: set[str]) -> list[str] | None:
    """The fewest vocabulary words of two or more characters that spell `word`, or None."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(2, len(word) + 1):
        for start in range(end - 1):
            before = best[start]
            if before is None or word[start:end] not in known:
                continue
            if best[end] is None or len(before) + 1 < len(best[end]):
                best[end] = [*before, word[start:end]]
    return best[len(word)]


def read_pinyin(parsed: ParsedQuery, unknown: list[Clause]) -> list[Clause]:
    """Read the Latin clauses of `parsed` in `unknown` (found nowhere in the Latin vocabulary)
    as Chinese vocabulary words (see the module), replacing them in `parsed.clauses` by those
    words' clauses (corrected, so a "did you mean" says what was searched). Returns the
    clauses read."""
    wanted = {id(c) for c in unknown if c.word.isalpha() and c.word.isascii()}
    sequences: list[list[Clause]] = []
    for clause in parsed.clauses:
        if id(clause) in wanted:
            if sequences and sequences[-1][-1] is _previous(parsed, clause):
                sequences[-1].append(clause)
            else:
                sequences.append([clause])
    if not sequences:
        return []
    texts = {"".join(c.word for c in seq) for seq in sequences}
    texts = {t for t in texts | {c.word for seq in sequences for c in seq} if len(t) <= MAX_PINYIN}
    pieces = {t[i:j] for t in texts for i in range(len(t)) for j in range(i + 2, len(t) + 1)}
    whole = {c.word for seq in sequences for c in seq if len(c.word) > 2}
    by_pinyin: dict[str, tuple[int, str]] = {}
    by_initials: dict[str, tuple[int, str]] = {}
    # Only the shop's own words (the dictionary's: product, category and brand words) are read
    # from pinyin: an English word the catalog lacks ("women") is no pinyin of 我们.
    shop_words = current_segmenter().words
    for term, pinyin, initials, doc_count in SearchTerm.objects.filter(
        Q(pinyin__in=pieces) | Q(initials__in=whole)
    ).values_list("term", "pinyin", "initials", "doc_count"):
        if term not in shop_words:
            continue
        if pinyin in pieces:
            by_pinyin[pinyin] = max(by_pinyin.get(pinyin, (0, "")), (doc_count, term))
        if initials in whole:
            by_initials[initials] = max(by_initials.get(initials, (0, "")), (doc_count, term))
    read: dict[int, list[str]] = {}  # id of a sequence's first clause -> the Chinese words
    taken: list[Clause] = []
    for seq in sequences:
        words = _spell("".join(c.word for c in seq), by_pinyin) if len(seq) > 1 else None
        if words:
            read[id(seq[0])] = words
            taken.extend(seq)
            continue
        for clause in seq:
            words = _spell(clause.word, by_pinyin)
            if not words and clause.word in by_initials:
                words = [by_initials[clause.word][1]]
            if words:
                read[id(clause)] = words
                taken.append(clause)
    gone = {id(c) for c in taken}
    clauses: list[Clause] = []
    for clause in parsed.clauses:
        if id(clause) in read:
            words = read[id(clause)]
            clauses.extend(
                Clause(
                    word=w,
                    alternatives=(w,),
                    corrected=w,
                    name_only=len(words) > 1 and i == len(words) - 1,
                )
                for i, w in enumerate(words)
            )
        elif id(clause) not in gone:
            clauses.append(clause)
    parsed.clauses = clauses
    return taken


def _previous(parsed: ParsedQuery, clause: Clause) -> Clause | None:
    position = next(i for i, c in enumerate(parsed.clauses) if c is clause)
    return parsed.clauses[position - 1] if position else None


def _spell(text: str, by_pinyin: dict[str, tuple[int, str]]) -> list[str] | None:
    """The fewest vocabulary words whose pinyin, joined, is exactly `text` (then the most
    common ones), or None."""
    if len(text) > MAX_PINYIN:
        return None
    best: list[tuple[int, int, list[str]] | None] = [None] * (len(text) + 1)
    best[0] = (0, 0, [])
    for end in range(1, len(text) + 1):
        for start in range(end):
            before = best[start]
            hit = by_pinyin.get(text[start:end])
            if before is None or hit is None:
                continue
            option = (before[0] + 1, before[1] - hit[0], [*before[2], hit[1]])
            if best[end] is None or option[:2] < best[end][:2]:
                best[end] = option
    found = best[len(text)]
    return found[2] if found else None


def read_query(parsed: ParsedQuery) -> str | None:
    """Read the Chinese words and the pinyin of `parsed` (its synonym list terms left as they
    are) against the vocabulary, in place, for a backend that matches the words its own way
    (Elasticsearch): a Chinese clause with alternatives matches the first as a word (in the
    name only when `name_only`), one without by its bigrams; Latin words read as pinyin become
    the clauses of their Chinese words. Returns the "did you mean" when a word was read as
    another, else None."""
    changed = resolve_chinese(parsed)
    latin = [c for c in parsed.clauses if not c.is_phrase and not c.is_cjk and not c.exact]
    stems = {analysis.stem(c.word) for c in latin}
    known = set(SearchTerm.objects.filter(stem__in=stems).values_list("stem", flat=True))
    unknown = [c for c in latin if analysis.stem(c.word) not in known]
    read = read_pinyin(parsed, unknown) if unknown else []
    if changed or read:
        return " ".join(c.corrected or c.word for c in parsed.clauses)
    return None
