"""Settings: base holds everything; local, test and production adjust it for where the shop runs."""
