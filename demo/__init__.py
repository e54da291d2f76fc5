"""The demo shop: a deterministic generator of a bilingual catalog, shoppers and their history.

`generate.demo_seed` writes it, `generate.demo_flush` removes it; `manage.py seed_demo` is the
command-line caller, `manage.py shop_info` tells where the shop is served and how to log in. The
word lists (vocabulary, reading demo/data/), the shoppers' tastes (behaviour) and the product
pictures (images) are plain modules the generator draws from. The demo stands above every app it
fills and below the project package (shop), which knows it only by name in INSTALLED_APPS.
"""
