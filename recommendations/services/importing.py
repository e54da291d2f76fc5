"""Importing a shop's interaction history from another platform (manage.py import_interactions,
and the interactions admin's "Import history" form for operators).

Rows are read one at a time (als.importfile), matched in chunks of `batch_size` to shoppers (by
user id, email or external id) and products (by product id, variant SKU or external id), and
written with one bulk insert per chunk, each chunk in its own transaction.

Idempotent re-runs: an interaction whose (shopper, product, kind, time) is already in the table,
or earlier in the same file, is counted as a duplicate and not written again, so importing the
same file twice adds nothing the second time. External ids live in ExternalId (one row per
source, kind and id), so shoppers and products created by the first run are found by the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..als.importfile import FileFormatError, LineError, Record, read
from ..models import ExternalId, ExternalKind, Interaction

SHOWN_LINES = 10  # line numbers kept per problem for the report
IMPORTED_CATEGORY_SLUG = "imported"
EMAIL_DOMAIN = "import.invalid"

__all__ = ["FileFormatError", "ImportReport", "interactions_import", "problem_message"]


def problem_message(code: str, detail: str = "") -> str:
    """A line's problem in words (codes from als.importfile and from matching)."""
    messages = {
        "no_user": _("no shopper: give user_id, email or user_external_id"),
        "no_product": _("no product: give product_id, sku or product_external_id"),
        "bad_user_id": _("the user id is not a number"),
        "bad_product_id": _("the product id is not a number"),
        "bad_kind": _("unknown kind (view, cart, purchase, review or search_click)"),
        "bad_time": _("the time is neither ISO 8601 nor seconds since 1970"),
        "bad_rating": _("a review needs a rating from 1 to 5"),
        "bad_quantity": _("the quantity is not a whole number from 1 to 32767"),
        "bad_json": _("not a JSON object"),
        "user_id": _("no shopper with this user id"),
        "email": _("no shopper with this email (create them with --create-shoppers)"),
        "user_external_id": _(
            "no shopper with this external id (create them with --create-shoppers)"
        ),
        "bad_email": _("not a valid email address"),
        "product_id": _("no product with this id"),
        "sku": _("no variant with this SKU"),
        "product_external_id": _(
            "no product with this external id (create them with --create-products)"
        ),
    }
    return messages.get(code, code)


@dataclass
class Problem:
    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < SHOWN_LINES:
            self.lines.append(line)


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0  # records and bad lines read
    matched: int = 0  # rows whose shopper and product were found or (would be) created
    imported: int = 0  # interactions written (dry run: that would be written)
    duplicates: int = 0  # already in the table, or earlier in the file
    shoppers_created: int = 0  # (dry run: that would be created)
    products_created: int = 0
    errors: dict[str, Problem] = field(default_factory=dict)  # bad lines, by code
    unmatched: dict[str, Problem] = field(default_factory=dict)  # by route of the missing key

    @property
    def bad_lines(self) -> int:
        return sum(p.count for p in self.errors.values())

    @property
    def unmatched_rows(self) -> int:
        return sum(p.count for p in self.unmatched.values())

    def problems(self) -> list[tuple[str, int, list[int]]]:
        """(message, count, first line numbers) of every bad line and unmatched row."""
        return [
            (problem_message(code), p.count, p.lines)
            for group in (self.errors, self.unmatched)
            for code, p in sorted(group.items(), key=lambda item: -item[1].count)
        ]

    def lines(self) -> list[str]:
        """The report as text lines (the command prints them)."""
        if self.dry_run:
            counts = [
                _("interactions that would be imported: %(n)d") % {"n": self.imported},
                _("duplicates skipped (already imported): %(n)d") % {"n": self.duplicates},
                _("shoppers that would be created: %(n)d") % {"n": self.shoppers_created},
                _("products that would be created: %(n)d") % {"n": self.products_created},
            ]
        else:
            counts = [
                _("interactions imported: %(n)d") % {"n": self.imported},
                _("duplicates skipped (already imported): %(n)d") % {"n": self.duplicates},
                _("shoppers created: %(n)d") % {"n": self.shoppers_created},
                _("products created: %(n)d") % {"n": self.products_created},
            ]
        out = [
            _("rows read: %(n)d") % {"n": self.rows},
            _("matched: %(n)d") % {"n": self.matched},
            *counts,
            _("bad lines: %(n)d") % {"n": self.bad_lines},
            _("unmatched rows: %(n)d") % {"n": self.unmatched_rows},
        ]
        for message, count, lines in self.problems():
            shown = ", ".join(str(n) for n in lines)
            out.append(
                _("  %(count)d rows: %(message)s (lines %(lines)s)")
                % {"count": count, "message": message, "lines": shown}
            )
        return out


def _by_pk(model, keys: set[str]) -> dict[str, int]:
    pks = model.objects.filter(pk__in=[int(k) for k in keys]).values_list("pk", flat=True)
    return {str(pk): pk for pk in pks}


class _New:
    """A shopper or product a dry run would create (stands in for its id)."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, _New) and other.key == self.key


class _Importer:
    def __init__(self, *, source, dry_run, create_shoppers, create_products, merchant, report):
        self.source = source
        self.dry_run = dry_run
        self.create_shoppers = create_shoppers
        self.create_products = create_products
        self.merchant = merchant
        self.report = report
        # (route, key) -> id (or _New in a dry run); None: known to be missing.
        self.users: dict[tuple[str, str], object] = {}
        self.products: dict[tuple[str, str], object] = {}
        self.seen: set[tuple] = set()
        self.category = None
        self.password = make_password(None)

    # -- shoppers ---------------------------------------------------------------------------
    def _resolve_users(self, records: list[Record]) -> None:
        wanted: dict[str, set[str]] = {}
        for r in records:
            if (r.user_route, r.user_key) not in self.users:
                wanted.setdefault(r.user_route, set()).add(r.user_key)
        User = get_user_model()
        for route, keys in wanted.items():
            if route == "user_id":
                found = {
                    str(pk): pk
                    for pk in User.objects.filter(pk__in=[int(k) for k in keys]).values_list(
                        "pk", flat=True
                    )
                }
            elif route == "email":
                found = dict(User.objects.filter(email__in=keys).values_list("email", "pk"))
            else:
                found = dict(
                    ExternalId.objects.filter(
                        source=self.source, kind=ExternalKind.USER, external_id__in=keys
                    ).values_list("external_id", "user_id")
                )
            missing = keys - found.keys()
            if missing and self.create_shoppers and route != "user_id":
                found.update(self._create_users(route, missing))
            for key in keys:
                self.users[(route, key)] = found.get(key)

    def _synthetic_email(self, key: str) -> str:
        local = slugify(f"{self.source}-{key}")[:50] or "shopper"
        if local != f"{self.source}-{key}".lower():
            local += "-" + hashlib.sha1(key.encode()).hexdigest()[:8]
        return f"{local}@{EMAIL_DOMAIN}"

    def _create_users(self, route: str, keys: set[str]) -> dict[str, object]:
        User = get_user_model()
        if route == "email":
            emails = {}
            for key in keys:
                try:
                    validate_email(key)
                except ValidationError:
                    continue
                emails[key] = key
        else:
            emails = {key: self._synthetic_email(key) for key in keys}
        # A synthetic address may exist already (its mapping row deleted): reuse that account.
        existing = dict(User.objects.filter(email__in=emails.values()).values_list("email", "pk"))
        new = sorted(e for e in set(emails.values()) if e not in existing)
        self.report.shoppers_created += len(new)
        if self.dry_run:
            ids = {**existing, **{e: _New(("user", e)) for e in new}}
        else:
            User.objects.bulk_create(
                [User(email=e, is_active=False, password=self.password) for e in new],
                batch_size=1000,
            )
            ids = dict(User.objects.filter(email__in=emails.values()).values_list("email", "pk"))
            if route == "user_external_id":
                ExternalId.objects.bulk_create(
                    [
                        ExternalId(
                            source=self.source,
                            kind=ExternalKind.USER,
                            external_id=k,
                            user_id=ids[e],
                        )
                        for k, e in emails.items()
                    ],
                    batch_size=1000,
                    ignore_conflicts=True,
                )
        return {key: ids[email] for key, email in emails.items()}

    # -- products ---------------------------------------------------------------------------
    def _resolve_products(self, records: list[Record]) -> None:
        from catalog.models import Product, ProductVariant

        wanted: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for r in records:
            if (r.product_route, r.product_key) not in self.products:
                wanted.setdefault(r.product_route, set()).add(r.product_key)
                if r.product_name:
                    names.setdefault(r.product_key, r.product_name)
        for route, keys in wanted.items():
            if route == "product_id":
                found = {
                    str(pk): pk
                    for pk in Product.objects.filter(pk__in=[int(k) for k in keys]).values_list(
                        "pk", flat=True
                    )
                }
            elif route == "sku":
                found = dict(
                    ProductVariant.objects.filter(sku__in=keys).values_list("sku", "product_id")
                )
            else:
                found = dict(
                    ExternalId.objects.filter(
                        source=self.source, kind=ExternalKind.PRODUCT, external_id__in=keys
                    ).values_list("external_id", "product_id")
                )
                missing = keys - found.keys()
                if missing and self.create_products:
                    found.update(self._create_products(missing, names))
            for key in keys:
                self.products[(route, key)] = found.get(key)

    def _create_products(self, keys: set[str], names: dict[str, str]) -> dict[str, object]:
        from catalog.models import Category, Product

        self.report.products_created += len(keys)
        if self.dry_run:
            return {key: _New(("product", key)) for key in keys}
        if self.category is None:
            self.category, _created = Category.objects.get_or_create(
                slug=IMPORTED_CATEGORY_SLUG, defaults={"name": "Imported", "is_active": False}
            )
        source = slugify(self.source)[:40] or "import"
        rows, slugs = [], {}
        for key in sorted(keys):
            digest = hashlib.sha1(f"{self.source}\0{key}".encode()).hexdigest()[:10]
            slugs[key] = f"imported-{source}-{slugify(key)[:60]}-{digest}"
            rows.append(
                Product(
                    merchant=self.merchant,
                    category=self.category,
                    name=names.get(key) or _("Imported product %(id)s") % {"id": key},
                    slug=slugs[key],
                    is_active=False,
                )
            )
        Product.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        ids = dict(Product.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
        ExternalId.objects.bulk_create(
            [
                ExternalId(
                    source=self.source,
                    kind=ExternalKind.PRODUCT,
                    external_id=key,
                    product_id=ids[slugs[key]],
                )
                for key in keys
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        return {key: ids[slugs[key]] for key in keys}

    # -- one chunk --------------------------------------------------------------------------
    def chunk(self, records: list[Record]) -> None:
        with transaction.atomic():
            self._resolve_users(records)
            self._resolve_products(records)
            matched = []
            for r in records:
                user = self.users[(r.user_route, r.user_key)]
                product = self.products[(r.product_route, r.product_key)]
                if user is None:
                    code = r.user_route
                    if r.user_route == "email" and self.create_shoppers:
                        code = "bad_email"
                    self.report.unmatched.setdefault(code, Problem()).add(r.line)
                elif product is None:
                    self.report.unmatched.setdefault(r.product_route, Problem()).add(r.line)
                else:
                    matched.append((r, user, product))
            self.report.matched += len(matched)
            existing = self._existing(matched)
            rows = []
            for r, user, product in matched:
                key = (user, product, r.kind, r.time)
                if key in existing or key in self.seen:
                    self.report.duplicates += 1
                    continue
                self.seen.add(key)
                rows.append(
                    Interaction(
                        user_id=user,
                        product_id=product,
                        kind=r.kind,
                        value=r.value,
                        created_at=r.time,
                    )
                )
            self.report.imported += len(rows)
            if not self.dry_run and rows:
                Interaction.objects.bulk_create(rows, batch_size=2000)

    def _existing(self, matched) -> set[tuple]:
        """Keys of the chunk already in the table (shoppers a dry run would create have none)."""
        users = {u for _r, u, p in matched if not isinstance(u, _New) and not isinstance(p, _New)}
        if not users:
            return set()
        times = {r.time for r, _u, _p in matched}
        return set(
            Interaction.objects.filter(user_id__in=users, created_at__in=times).values_list(
                "user_id", "product_id", "kind", "created_at"
            )
        )


def interactions_import(
    *,
    lines: Iterable[str],
    fmt: str,
    source: str = "import",
    dry_run: bool = False,
    create_shoppers: bool = False,
    create_products: bool = False,
    merchant=None,
    default_kind: str = "",
    batch_size: int = 5000,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import interactions from the lines of a CSV or JSON-lines file (see the module doc and
    docs/recommendations-import.md). A dry run reads and matches everything and writes nothing.
    Raises FileFormatError if the file as a whole cannot be read, ValueError for bad options."""
    if create_products and merchant is None:
        raise ValueError(_("Creating products needs the merchant they belong to."))
    if batch_size < 1:
        raise ValueError(_("The batch size must be at least 1."))
    source = source.strip()[:40] or "import"
    report = ImportReport(dry_run=dry_run)
    importer = _Importer(
        source=source,
        dry_run=dry_run,
        create_shoppers=create_shoppers,
        create_products=create_products,
        merchant=merchant,
        report=report,
    )
    records: list[Record] = []
    for item in read(lines, fmt, default_kind=default_kind):
        report.rows += 1
        if isinstance(item, LineError):
            report.errors.setdefault(item.code, Problem()).add(item.line)
            continue
        records.append(item)
        if len(records) >= batch_size:
            importer.chunk(records)
            records = []
            if progress:
                progress(report)
    if records:
        importer.chunk(records)
        if progress:
            progress(report)
    return report
