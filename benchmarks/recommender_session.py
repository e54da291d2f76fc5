"""Does re-ranking the served lists by the current session pay? MovieLens-100k, through
recommendations.als directly (no database), next-item NDCG@10 with and without the re-rank,
against the same trained model.

For every user with enough history, their films in time order (ties in a seeded random order):
the last positive one (rated above `negative_rating`) is the next item to predict, the
`--session` positive ones just before it are "the session" (what they viewed before the cut),
everything earlier is the history the model was trained on. One model is trained on the
histories (the sessions and next items left out, as a session happens after the nightly
training). Then, for each user, three lists as serving builds them, each scored as it is and
re-ranked by the session at several strengths (see als.session.rerank; 0 = no re-rank):

- home: the list recomputed from the whole history, session included (serving's recalculation
  for a shopper whose history changed since training), top_n long, history filtered;
- product: the item neighbours (ALS cosine) of the last film of the session, as the product
  page's "similar items";
- anonymous: the most popular films (trending), for a visitor the model does not know.

Relevance is binary (the next film), NDCG@10 averaged over users; the users whose next film is
not in a list at all score 0 for it with or without the re-rank (a re-rank cannot add items).

    .venv/bin/python benchmarks/recommender_session.py [--inter PATH] [--session 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.recommender_movielens import inter_file, load  # noqa: E402

STRENGTHS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


def split(columns, *, session: int, negative: int, seed: int):
    """(train mask over the events, {user: (session film ids newest first, next film id)})."""
    users, items, ratings, stamps = columns
    shuffle = np.random.default_rng(seed).random(len(users))
    order = np.lexsort((shuffle, stamps, users))
    keep = np.ones(len(users), dtype=bool)
    cases = {}
    starts = np.flatnonzero(np.r_[True, users[order][1:] != users[order][:-1]])
    ends = np.r_[starts[1:], len(order)]
    for start, end in zip(starts, ends, strict=True):
        events = order[start:end]
        positive = events[ratings[events] > negative]
        if len(positive) < session + 1 + 10:  # keep at least 10 positives to learn the user
            continue
        target = positive[-1]
        before = positive[:-1][-session:]
        cut = np.flatnonzero(events == before[0])[0]
        keep[events[cut:]] = False  # the session, the next film and anything after it
        cases[int(users[target])] = ([int(i) for i in items[before][::-1]], int(items[target]))
    return keep, cases


def ndcg_at(ranked: list[int], target: int, k: int) -> float:
    top = ranked[:k]
    return 1.0 / np.log2(top.index(target) + 2.0) if target in top else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inter", type=Path, help="ml-100k.inter (default: cached download)")
    parser.add_argument("--session", type=int, default=5, help="films in a session (5)")
    args = parser.parse_args()
    from recommendations import als
    from recommendations.als import session as sessions

    columns = load(args.inter or inter_file())
    params = als.Params()
    keep, cases = split(
        columns, session=args.session, negative=params.negative_rating, seed=params.random_state
    )
    users, items, ratings, stamps = columns
    review = als.KIND_CODE["review"]
    events = als.Events(
        users[keep].copy(),
        items[keep].copy(),
        np.full(int(keep.sum()), review, dtype=np.int8),
        ratings[keep].copy(),
        stamps[keep].copy(),
    )
    started = time.perf_counter()
    trained = als.train(events, now=float(stamps.max()), params=params)
    model, data = trained.model, trained.data
    loaded = als.LoadedModel(
        model=model,
        user_row={int(u): i for i, u in enumerate(data.user_ids)},
        product_ids=data.product_ids,
        product_column={int(p): i for i, p in enumerate(data.product_ids)},
    )
    column = loaded.product_column
    candidates = np.flatnonzero(data.support() >= params.min_support)
    neighbours = als.item_neighbours(model, candidates, n=params.neighbours)
    near = {int(c): row for c, row in zip(candidates, neighbours, strict=True)}
    popular = [int(data.product_ids[c]) for c in als.popularity_ranking(data.confidence)[:48]]
    factors = np.asarray(model.item_factors)
    by_user = {}
    for index, user in enumerate(users[keep]):
        by_user.setdefault(int(user), []).append(index)

    scores = {name: {s: [] for s in STRENGTHS} for name in ("home", "product", "anonymous")}
    for user, (viewed, target) in cases.items():
        if user not in loaded.user_row or target not in column:
            continue
        mine = np.asarray(by_user[user])
        seen = {int(i) for i in events.product_ids[mine]}
        # Serving's recalculation: the history row, the session's films as views just now,
        # every event decayed from the newest one, with the floor.
        history_ids = [*events.product_ids[mine].tolist(), *viewed]
        kinds = np.r_[events.kinds[mine], np.full(len(viewed), als.KIND_CODE["view"])]
        values = np.r_[events.values[mine], np.ones(len(viewed))]
        times = np.r_[events.timestamps[mine], np.full(len(viewed), events.timestamps[mine].max())]
        weights = als.event_weights(
            kinds.astype(np.int8), values.astype(np.int64), (times.max() - times) / als.DAY, params
        )
        row = als.confidence_floor(als.user_row(loaded, history_ids, weights.tolist()), params)
        home = als.recommend_for_row(loaded, row, n=params.top_n)
        last = column.get(viewed[0])
        product = [
            int(data.product_ids[c]) for c in near.get(last, []) if c >= 0
        ]  # the similar items of the film viewed last
        product = [p for p in product if p not in seen and p not in viewed]
        anonymous = [p for p in popular if p not in viewed]
        session_columns = [column.get(p, -1) for p in viewed]
        recency = sessions.recency_weights(len(viewed))
        for name, ranked in (("home", home), ("product", product), ("anonymous", anonymous)):
            similarity = sessions.session_similarity(
                factors, session_columns, recency, [column.get(p, -1) for p in ranked]
            )
            for strength in STRENGTHS:
                reordered = sessions.rerank(ranked, similarity, strength=strength)
                scores[name][strength].append(ndcg_at(reordered, target, params.k))

    seconds = time.perf_counter() - started
    evaluated = len(scores["home"][0.0])
    print(
        f"MovieLens-100k: {evaluated} users, session = the {args.session} positive films before "
        f"the next one, default Params, NDCG@{params.k} of the next film ({seconds:.1f} s)"
    )
    header = "".join(f"{'s=' + str(s):>8}" for s in STRENGTHS)
    print(f"{'list':10}{header}{'s=1/s=0':>9}{'+-':>7}")
    for name, by_strength in scores.items():
        means = [float(np.mean(by_strength[s])) for s in STRENGTHS]
        # The gain at s=1 and its standard error over users (paired: same users, same lists).
        gain = np.asarray(by_strength[1.0]) - np.asarray(by_strength[0.0])
        error = float(gain.std(ddof=1) / np.sqrt(len(gain))) / means[0] if means[0] else 0.0
        ratio = means[STRENGTHS.index(1.0)] / means[0] if means[0] else float("nan")
        print(f"{name:10}" + "".join(f"{m:8.4f}" for m in means) + f"{ratio:9.2f}{error:7.2f}")


if __name__ == "__main__":
    main()
