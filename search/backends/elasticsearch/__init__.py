"""Search through Elasticsearch (django-elasticsearch-dsl documents, see search/documents.py).

Switched on by ELASTICSEARCH_URL. Every transport or server error becomes
`SearchBackendUnavailable`, on which `search.services` falls back to the database backend.

Text matching: every word of the query must match somewhere in the product (English fields, typos
allowed; Chinese by the segmenter's words, read against the shared vocabulary for homophone typos
and pinyin, a word in no document by its bigrams in the names, with any Latin words in it required
too; a match by bigrams alone counts as no match by name, brand or attributes and for no tier, as
the database backends keep them with the description). The words of the shop's synonym list
(search/synonyms.py, expanded at query time from the same table as the database backends) match as
written, or through a synonym in the name, brand, category or attributes. When no product has every
word, words are left out (search/partial.py) and reported, or, when what is left finds nothing by
name, brand or attributes, nothing is shown.

Matches are ordered by tier first, as on the database backends (per word: the shopper's own word
in the name, brand, category or attributes counts most, a synonym of it there less, the
description nothing): the tier adds constants far above any text score (see queries._tiered).

Ranking mirrors `search.ranking` with a `function_score` around the text query:

    text_score * (1 + popularity_weight * ln(1 + popularity) / ln(1 + max_popularity)
                    + rating_weight * rating_avg / 5) * (out_of_stock_factor if out of stock)

The inner function_score sums a constant 1, `ln1p(popularity)` weighted by
popularity_weight / ln(1 + max_popularity) and `rating_avg` weighted by rating_weight / 5, and
multiplies the text score by that sum; the outer one multiplies out-of-stock products by the
factor. Elasticsearch cannot normalise by the index's maximum inside a query without scripts, so
max_popularity is read from the index with a `max` aggregation and cached for a minute: between
two reads a product that outsells the old maximum gets a popularity term a little above 1, which
only strengthens an already strong signal.

Modules: backend (the backend class), queries, results and indexing.
"""
