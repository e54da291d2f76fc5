"""Writes of the recommender, one module per concern: recording interactions (recording,
buffer), training (extract, content, trending, lists, training), the serving store (serving),
shopper profiles (profiles) and the catalog's sales counts (sales). Import from the module."""
