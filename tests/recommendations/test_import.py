"""Importing a shop's history (services.importing and manage.py import_interactions)."""

import io
import json
import time
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Product
from recommendations.models import ExternalId, Interaction
from recommendations.services.importing import interactions_import
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "user_id,email,user_external_id,product_id,sku,product_external_id,kind,time,rating,quantity"
)


def run(text: str, fmt: str = "csv", **options):
    return interactions_import(lines=text.splitlines(), fmt=fmt, **options)


@pytest.fixture
def shopper():
    return UserFactory(email="ann@example.com")


@pytest.fixture
def product(make_product):
    return make_product()


def test_shoppers_and_products_are_matched_by_id_email_and_sku(shopper, product):
    sku = product.variants.get().sku
    text = "\n".join([
        HEADER,
        f"{shopper.pk},,,{product.pk},,,view,2024-01-01T00:00:00Z,,",
        f",ANN@example.com,,,{sku},,purchase,2024-01-02T00:00:00Z,,2",
        f",ann@example.com,,{product.pk},,,review,1704412800,5,",
    ])  # fmt: skip
    report = run(text)
    assert (report.imported, report.unmatched_rows, report.bad_lines) == (3, 0, 0)
    rows = list(
        Interaction.objects.order_by("created_at").values_list("user", "product", "kind", "value")
    )
    assert rows == [
        (shopper.pk, product.pk, "view", 1),
        (shopper.pk, product.pk, "purchase", 2),
        (shopper.pk, product.pk, "review", 5),
    ]
    assert Interaction.objects.get(kind="review").created_at == datetime(2024, 1, 5, tzinfo=UTC)


def test_external_ids_match_through_the_mapping_table(shopper, product):
    ExternalId.objects.create(source="old", kind="user", external_id="c-9", user=shopper)
    ExternalId.objects.create(source="old", kind="product", external_id="p-9", product=product)
    report = run(f"{HEADER}\n,,c-9,,,p-9,cart,2024-01-01,,", source="old")
    assert report.imported == 1
    assert Interaction.objects.get().user == shopper


def test_external_ids_of_another_source_do_not_match(shopper, product):
    ExternalId.objects.create(source="old", kind="user", external_id="c-9", user=shopper)
    report = run(f"{HEADER}\n,,c-9,{product.pk},,,cart,2024-01-01,,", source="other")
    assert report.imported == 0 and report.unmatched["user_external_id"].lines == [2]


def test_unmatched_rows_are_reported_by_reason_with_their_line_numbers(shopper, product):
    text = "\n".join([
        HEADER,
        f"999999,,,{product.pk},,,view,2024-01-01,,",
        f"{shopper.pk},,,,NO-SUCH-SKU,,view,2024-01-01,,",
        f",,ext-1,{product.pk},,,view,2024-01-01,,",
        f"{shopper.pk},,,{product.pk},,,view,2024-01-01,,",
    ])  # fmt: skip
    report = run(text)
    assert report.imported == 1
    assert {code: p.lines for code, p in report.unmatched.items()} == {
        "user_id": [2],
        "sku": [3],
        "user_external_id": [4],
    }


def test_bad_lines_are_reported_and_the_good_ones_imported(shopper, product):
    text = "\n".join([
        HEADER,
        f"{shopper.pk},,,{product.pk},,,view,not-a-time,,",
        f"{shopper.pk},,,{product.pk},,,wishlist,2024-01-01,,",
        f"{shopper.pk},,,{product.pk},,,review,2024-01-01,9,",
        f"{shopper.pk},,,{product.pk},,,view,2024-01-01,,",
    ])  # fmt: skip
    report = run(text)
    assert report.imported == 1 and report.rows == 4
    assert {code: p.lines for code, p in report.errors.items()} == {
        "bad_time": [2],
        "bad_kind": [3],
        "bad_rating": [4],
    }
    assert Interaction.objects.count() == 1


def test_missing_shoppers_and_products_are_created_when_asked(merchant_a):
    text = "\n".join(
        [
            "user_external_id,product_external_id,product_name,kind,time,rating",
            "196,242,Kolya (1996),review,881250949,3",
            "196,302,,review,891717742,4",
            "new@example.com-not,242,,view,891717742,",
        ]
    )
    report = run(text, source="ml", create_shoppers=True, create_products=True, merchant=merchant_a)
    assert (report.shoppers_created, report.products_created, report.imported) == (2, 2, 3)
    mapping = ExternalId.objects.get(source="ml", kind="user", external_id="196")
    assert mapping.user.email == "ml-196@import.invalid"
    assert not mapping.user.is_active and not mapping.user.has_usable_password()
    product = ExternalId.objects.get(source="ml", kind="product", external_id="242").product
    assert (product.name, product.merchant, product.is_active) == (
        "Kolya (1996)",
        merchant_a,
        False,
    )
    assert product.category.slug == "imported"


def test_without_create_products_unknown_external_products_are_unmatched():
    report = run("user_external_id,product_external_id,kind,time\nu,p,view,0", create_shoppers=True)
    assert report.imported == 0 and report.unmatched["product_external_id"].lines == [2]
    assert not Product.objects.exists()


def test_unknown_emails_become_inactive_shoppers_when_asked(product):
    report = run(
        f"email,product_id,kind,time\nbob@example.com,{product.pk},view,0", create_shoppers=True
    )
    assert report.imported == 1
    assert Interaction.objects.get().user.email == "bob@example.com"


def test_a_dry_run_writes_nothing_and_counts_what_it_would_do(merchant_a, shopper, product):
    text = "\n".join([
        "user_external_id,email,product_external_id,product_id,kind,time",
        "x1,,p1,,view,0",
        "x1,,p1,,view,0",
        f",ann@example.com,,{product.pk},cart,0",
        f",nobody@example.com,,{product.pk},cart,0",
    ])  # fmt: skip
    users_before = type(shopper).objects.count()
    report = run(
        text, dry_run=True, create_shoppers=False, create_products=True, merchant=merchant_a
    )
    assert (report.imported, report.duplicates, report.products_created) == (1, 0, 1)
    assert report.unmatched["user_external_id"].lines == [2, 3]
    assert report.unmatched["email"].lines == [5]
    assert not Interaction.objects.exists() and not ExternalId.objects.exists()
    assert type(shopper).objects.count() == users_before
    assert Product.objects.count() == 1
    created = run(
        text, dry_run=True, create_shoppers=True, create_products=True, merchant=merchant_a
    )
    assert (created.shoppers_created, created.imported, created.duplicates) == (2, 3, 1)
    assert not Interaction.objects.exists()


def test_a_second_run_of_the_same_file_adds_nothing(merchant_a):
    text = (
        "user_external_id,product_external_id,kind,time,rating\n1,10,review,100,5\n2,10,view,200,\n"
    )
    first = run(text, create_shoppers=True, create_products=True, merchant=merchant_a)
    second = run(text, create_shoppers=True, create_products=True, merchant=merchant_a)
    assert (first.imported, second.imported, second.duplicates) == (2, 0, 2)
    assert (second.shoppers_created, second.products_created) == (0, 0)
    assert Interaction.objects.count() == 2


def test_a_row_repeated_in_the_file_is_imported_once(shopper, product):
    row = f"{shopper.pk},{product.pk},view,2024-01-01T12:00:00+08:00"
    report = run(f"user_id,product_id,kind,time\n{row}\n{row}", batch_size=1)
    assert (report.imported, report.duplicates) == (1, 1)


def test_jsonl_is_imported_too(shopper, product):
    lines = [
        json.dumps({"email": shopper.email, "product_id": product.pk, "kind": "purchase",
                    "time": "2024-03-01T08:00:00Z", "quantity": 4}),
        "",
        json.dumps({"email": shopper.email, "product_id": product.pk, "kind": "view", "time": "x"}),
    ]  # fmt: skip
    report = run("\n".join(lines), fmt="jsonl")
    assert report.imported == 1 and report.errors["bad_time"].lines == [3]
    assert Interaction.objects.get().value == 4


def test_the_command_prints_progress_and_the_report(tmp_path, shopper, product):
    path = tmp_path / "history.csv"
    rows = [f"{shopper.pk},{product.pk},view,{n}" for n in range(25)]
    path.write_text("user_id,product_id,kind,time\n" + "\n".join(rows) + "\n")
    out = io.StringIO()
    call_command("import_interactions", str(path), "--batch-size", "10", stdout=out)
    text = out.getvalue()
    assert " 10 rows" in text and " 20 rows" in text and "100%" in text
    assert "interactions imported: 25" in text
    assert Interaction.objects.count() == 25


def test_the_command_dry_run_says_so_and_writes_nothing(tmp_path, shopper, product):
    path = tmp_path / "history.jsonl"
    path.write_text(
        json.dumps({"user_id": shopper.pk, "product_id": product.pk, "kind": "view", "time": 1})
    )
    out = io.StringIO()
    call_command("import_interactions", str(path), "--dry-run", stdout=out)
    assert "dry run: nothing was written" in out.getvalue()
    assert "interactions that would be imported: 1" in out.getvalue()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("h.xlsx", "", [], "--format"),
        ("h.csv", "customer,item\n1,2\n", [], "shopper column"),
        ("h.csv", "user_id,product_id,kind,time\n", ["--create-products"], "--merchant"),
        ("h.csv", "user_id,product_id,kind,time\n", ["--merchant", "nope"], "No merchant"),
        ("h.csv", b"user_id,product_id\n\xff\xfe\n", [], "utf-8"),
    ],
)
def test_the_command_refuses_bad_input_with_a_clear_message(tmp_path, name, content, args, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_interactions", str(path), *args, stdout=io.StringIO())


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_interactions", str(tmp_path / "gone.csv"), stdout=io.StringIO())


def test_a_hundred_thousand_rows_timing(tmp_path, merchant_a, capsys):
    """MovieLens-100k's shape (943 shoppers, 1,682 products, ratings as reviews), generated:
    the time is printed, not asserted (the goal is well under a minute)."""
    path = tmp_path / "ml.csv"
    with path.open("w") as handle:
        handle.write("user_external_id,product_external_id,kind,time,rating\n")
        for n in range(100_000):
            handle.write(f"{n % 943},{(n * 7919) % 1682},review,{880_000_000 + n},{n % 5 + 1}\n")
    started = time.monotonic()
    call_command(
        "import_interactions", str(path), "--source", "ml", "--create-shoppers",
        "--create-products", "--merchant", merchant_a.slug, stdout=io.StringIO(),
    )  # fmt: skip
    first = time.monotonic() - started
    started = time.monotonic()
    call_command("import_interactions", str(path), "--source", "ml", stdout=io.StringIO())
    again = time.monotonic() - started
    assert Interaction.objects.count() == 100_000
    with capsys.disabled():
        print(f"\n100,000 rows: first import {first:.1f} s, re-run (all duplicates) {again:.1f} s")


def test_a_re_run_matches_times_given_with_a_zone_offset(shopper, product):
    row = f"{shopper.pk},{product.pk},view,2024-01-01T12:00:00.25+08:00"
    text = f"user_id,product_id,kind,time\n{row}"
    run(text)
    again = run(text)
    assert (again.imported, again.duplicates) == (0, 1)
    assert Interaction.objects.get().created_at == datetime(2024, 1, 1, 4, 0, 0, 250000, tzinfo=UTC)
