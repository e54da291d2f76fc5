"""Compare the storefront's HTML between two checkouts of the shop, apart from whitespace.

Renders the same pages with each checkout's own code against one database (Django's test
client, in a process per checkout, the page cache off), then compares them page by page:

- the benchmark's URL set (benchmarks/storefront.py: home, every category with a second page,
  a sort and the in-stock filter, product pages), in English and Chinese;
- search (results, no results, a filter, the start page), 404 pages;
- log-in, registration and password reset pages (and those forms sent back with errors);
- an anonymous visitor's cart with one item and the checkout's first step (also with errors);
- a signed-in shopper's account pages (profile, addresses, an address form, with errors too),
  customer service conversations, checkout, order list, an order and its tracking, home and
  listing.

    .venv/bin/python benchmarks/html_compare.py --before ../main --after . \\
        --database-url postgres://postgres@127.0.0.1:5432/shop_compare

Whitespace is collapsed (and dropped between tags); the same character written as another
entity (&#39; and &#x27;, &#34; and &quot;) counts as the same; CSRF tokens are blanked.
Exit status 1 when any page differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PRODUCTS = 60  # product pages sampled (of the benchmark's 300), to keep a run short


# --- Normalising ---------------------------------------------------------------------------------
_ENTITIES = {"&#39;": "&#x27;", "&#34;": "&quot;", "&#x22;": "&quot;", "&#62;": "&gt;"}
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def normalise(html: str) -> str:
    html = _CSRF.sub(r"\1CSRF\2", html)
    for entity, same in _ENTITIES.items():
        html = html.replace(entity, same)
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    # Whitespace just inside a tag's attribute list ('<a href="x" >').
    html = re.sub(r"\s+>", ">", html)
    return html.strip()


def _lines(html: str) -> list[str]:
    return html.replace("><", ">\n<").splitlines()


# --- Rendering pages with one checkout (runs in its own process) ------------------------------
def snapshot(root: Path, out: Path) -> None:
    sys.path[:] = [str(root), *(p for p in sys.path if Path(p or ".").resolve() != HERE.parent)]
    os.chdir(root)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from catalog.models import Category, Product, ProductVariant

    pages: dict[str, dict] = {}

    def get(client: Client, label: str, url: str, data: dict | None = None) -> None:
        """A page, or with `data` the page a form posted with those values answers with."""
        started = time.process_time()
        if data is None:
            response = client.get(url, secure=True)
        else:
            response = client.post(url, data, secure=True)
            label = f"{label} POST"
        cpu_ms = (time.process_time() - started) * 1000
        body = response.content.decode() if not response.has_header("Location") else ""
        pages[f"{label} {url}"] = {
            "status": response.status_code,
            "html": body or response.get("Location", ""),
            "cpu_ms": cpu_ms,
        }

    import random

    rng = random.Random(7)
    categories = [c.get_absolute_url() for c in Category.objects.filter(is_active=True)]
    ids = sorted(Product.objects.filter(is_active=True).values_list("id", flat=True))
    picked = rng.sample(ids, min(PRODUCTS, len(ids)))
    products = [p.get_absolute_url() for p in Product.objects.filter(id__in=picked)]
    rng = random.Random(11)
    listing = []
    for url in categories:
        listing += [url, f"{url}?page=2", f"{url}?in_stock=1&sort=price_asc"]
        listing.append(f"{url}?sort={rng.choice(['price_asc', 'price_desc', 'newest', 'rating'])}")

    anonymous = Client()
    for url in ["/", *listing[:8], *products[:8]]:  # warm up (imports, compiled templates)
        anonymous.get(url, secure=True)
    for url in ["/", "/zh-hans/", *listing, *products, *(f"/?repeat={n}" for n in range(9))]:
        get(anonymous, "anonymous", url)
    for url in [*categories[:3], *products[:5]]:
        get(anonymous, "anonymous", f"/zh-hans{url}")
    for url in [
        "/search/",
        "/search/?q=shoes",
        "/search/?q=running+shoes&sort=price_asc",
        "/search/?q=qqqzzzxxx",
        "/search/?q=bag&page=2",
        "/zh-hans/search/?q=%E9%9E%8B",
        "/no-such-page/",
        "/p/no-such-product/",
        "/zh-hans/no-such-page/",
        "/account/login/",
        "/account/register/",
        "/account/password-reset/",
        "/account/password-reset/sent/",
        "/account/password-reset/done/",
        "/account/password-reset/MQ/no-such-token/",
    ]:
        get(anonymous, "anonymous", url)
    # Forms sent back with their errors (one failed log-in a run: far from the lockout).
    get(anonymous, "anonymous", "/account/login/", {"username": "nobody@example.com"})
    get(anonymous, "anonymous", "/account/register/", {"email": "not-an-email", "password1": "a"})
    get(anonymous, "anonymous", "/account/password-reset/", {"email": "not-an-email"})

    # A visitor with one item in the cart: the cart and the checkout's first step.
    visitor = Client()
    from django.db.models import F

    variant = (
        ProductVariant.objects.filter(
            is_active=True,
            product__is_active=True,
            stock__quantity__gt=F("stock__allocated") + 2,
        )
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    # The add form is refused without a same-site Origin (shop/origin.py).
    visitor.post(
        "/cart/add/",
        {"variant": variant, "quantity": 1},
        secure=True,
        headers={"Origin": "https://testserver"},
    )
    for url in ["/cart/", "/checkout/", "/", categories[0]]:
        get(visitor, "visitor", url)
    get(visitor, "visitor", "/checkout/", {"email": "not-an-email", "province": "x"})

    shopper = Client()
    from orders.models import Order

    first_order = Order.objects.filter(user__isnull=False).order_by("id").first()
    user = (
        first_order.user
        if first_order is not None
        else get_user_model().objects.filter(is_staff=False).order_by("id").first()
    )
    if user is not None:
        shopper.force_login(user)
        for url in ["/account/", "/account/addresses/", "/orders/", "/", categories[0], "/cart/"]:
            get(shopper, "shopper", url)
        for url in ["/account/addresses/new/", "/support/conversations/", "/checkout/"]:
            get(shopper, "shopper", url)
        address = user.addresses.order_by("id").first() if hasattr(user, "addresses") else None
        if address is not None:
            get(shopper, "shopper", f"/account/addresses/{address.pk}/")
        get(shopper, "shopper", "/account/addresses/new/", {"recipient": "", "phone": "1"})
        get(shopper, "shopper", "/account/", {"first_name": "x" * 300})
        order = Order.objects.filter(user=user).order_by("id").first()
        if order is not None:
            get(shopper, "shopper", f"/orders/{order.number}/")
            get(shopper, "shopper", f"/orders/{order.number}/tracking/")
    out.write_text(json.dumps(pages))


def run_snapshot(root: Path, database_url: str, out: Path) -> dict[str, dict]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "ELASTICSEARCH_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        STOREFRONT_CACHE_SECONDS="0",
        SHOP_VAR_DIR=env.get("SHOP_VAR_DIR", tempfile.gettempdir() + "/html-compare"),
        PYTHONPATH=os.pathsep.join(p for p in [str(root), env.get("PYTHONPATH", "")] if p),
    )
    subprocess.run(
        [sys.executable, str(HERE), "snapshot", "--root", str(root), "--out", str(out)],
        env=env,
        cwd=root,
        check=True,
    )
    return json.loads(out.read_text())


def compare(before: dict[str, dict], after: dict[str, dict], *, show: int) -> int:
    differing = 0
    for page in before.keys() | after.keys():
        old, new = before.get(page), after.get(page)
        if old is None or new is None:
            print(f"only {'after' if old is None else 'before'}: {page}")
            differing += 1
            continue
        a, b = normalise(old["html"]), normalise(new["html"])
        if old["status"] == new["status"] and a == b:
            continue
        differing += 1
        print(f"DIFFERS {page}: status {old['status']} -> {new['status']}")
        diff = difflib.unified_diff(_lines(a), _lines(b), "before", "after", n=1, lineterm="")
        for line in list(diff)[:show]:
            print("   ", line[:300])
    print(f"{len(before)} pages compared, {differing} differ (whitespace and entities aside)")
    return differing


def cpu_summary(before: dict[str, dict], after: dict[str, dict]) -> None:
    """Median CPU time of this process per page (the database's time is not in it), by kind of
    page of the benchmark's set, each checkout's own run of the same pages."""

    def kind(page: str) -> str | None:
        label, url = page.split(" ", 1)
        if label != "anonymous":
            return None
        if url == "/" or url.startswith("/?repeat="):
            return "home"
        if url.startswith("/c/"):
            return "listing"
        if url.startswith("/p/") and "no-such" not in url:
            return "product"
        if url.startswith("/search/"):
            return "search"
        return None

    def median(values: list[float]) -> float:
        values = sorted(values)
        return values[len(values) // 2] if values else 0.0

    print(f"{'page':<9} {'pages':>5} {'before ms':>10} {'after ms':>10}  (median CPU per page)")
    for name in ("home", "listing", "product", "search"):
        pages = [p for p in before if kind(p) == name and p in after]
        old = median([before[p].get("cpu_ms", 0.0) for p in pages])
        new = median([after[p].get("cpu_ms", 0.0) for p in pages])
        print(f"{name:<9} {len(pages):>5} {old:>10.2f} {new:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    shot = sub.add_parser("snapshot")
    shot.add_argument("--root", type=Path, required=True)
    shot.add_argument("--out", type=Path, required=True)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--after", type=Path, default=HERE.parent.parent)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--keep", type=Path, help="a folder to keep both snapshots in")
    parser.add_argument("--show", type=int, default=40, help="diff lines shown per page")
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.root.resolve(), args.out)
        return
    if not args.before or not args.database_url:
        parser.error("--before and --database-url are needed")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="html-compare-"))
    folder.mkdir(parents=True, exist_ok=True)
    before = run_snapshot(args.before.resolve(), args.database_url, folder / "before.json")
    after = run_snapshot(args.after.resolve(), args.database_url, folder / "after.json")
    differing = compare(before, after, show=args.show)
    cpu_summary(before, after)
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
