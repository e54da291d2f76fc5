"""The shop's pages (about, customer service, shipping, returns, privacy, terms) in both
languages, from demo/data/pages.json. Pages already there are left as operators edited them."""

import json
from collections.abc import Callable
from pathlib import Path

from pages import services as page_services

PAGES_FILE = Path(__file__).resolve().parent / "data" / "pages.json"


def pages_seed(*, report: Callable[[str], object] = print) -> int:
    entries = json.loads(PAGES_FILE.read_text(encoding="utf-8"))
    created = sum(
        page_services.page_install(
            slug=entry["slug"], titles=entry["title"], bodies=entry["body"], position=position
        )
        for position, entry in enumerate(entries, start=1)
    )
    report(f"  Shop pages: {created} created, {len(entries) - created} kept")
    return created
