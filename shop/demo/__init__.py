"""The demo shop: a deterministic generator of a bilingual catalog, shoppers and their history.

`generate.demo_seed` writes it, `generate.demo_flush` removes it; `manage.py seed_demo` is the
command-line caller. The word lists (vocabulary), the shoppers' tastes (behaviour) and the
product pictures (images) are plain modules the generator draws from.
"""
