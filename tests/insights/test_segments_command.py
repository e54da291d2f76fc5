"""manage.py compute_segments: on the shop's orders, on a CSV purchase log, on CDNOW."""

import csv
from io import StringIO
from pathlib import Path

import lifetimes
import pytest
from django.core.management import CommandError, call_command

from insights.models import CustomerProfile, SegmentRun
from tests.accounts.factories import UserFactory

from .segments_givens import order, product

CDNOW = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("compute_segments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "purchases.csv"
    path.write_text(
        "customer_id,date,amount\n"
        "ann,2026-06-29,100\nann,2026-06-20,100\nann,2026-06-10,100\n"
        "bob,2026-01-02,5.50\n"
        "cai,2026-05-01,40\ncai,2026-04-01,40\n",
        encoding="utf-8",
    )
    return path


def test_a_csv_log_prints_the_segment_table_and_writes_each_customer(log, tmp_path):
    out_file = tmp_path / "result.csv"
    out, err = _run("--csv", str(log), "--out", str(out_file), "--as-of", "2026-06-30")
    assert "Segments as of 2026-06-30: 3 customers, revenue 385.50" in out
    assert "Champions" in out and "Lost" in out
    assert "No lifetime model" in out  # three customers are too few: said, not a crash
    assert "Read 6 purchases of 3 customers" in err
    rows = {row["customer_id"]: row for row in csv.DictReader(out_file.open())}
    # ann: most recent, most purchases, most money; bob: oldest, one small purchase.
    assert rows["ann"]["segment"] == "champions"
    assert rows["ann"]["monetary"] == "300"
    assert rows["bob"]["segment"] == "lost"
    assert rows["cai"]["frequency"] == "2"


def test_a_bad_line_is_a_command_error_with_its_number(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,date,amount\na,2026-01-01,3\nb,2026-13-45,4\n")
    with pytest.raises(CommandError, match="line 3: '2026-13-45' is not a date"):
        _run("--csv", str(bad))


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run("--csv", str(tmp_path / "nowhere.csv"))


def test_a_file_that_is_not_text_is_a_command_error(tmp_path):
    binary = tmp_path / "data.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="not UTF-8"):
        _run("--csv", str(binary))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--holdout-days", "0"], "at least 1"),
        (["--as-of", "June"], "Not a date"),
        (["--out", "x.csv"], "only with --csv"),
        (["--merchant", "nobody"], "Unknown merchant"),
    ],
)
@pytest.mark.django_db
def test_bad_options_are_command_errors(args, words):
    with pytest.raises(CommandError, match=words):
        _run(*args)


def test_a_slice_of_cdnow_gets_segments_and_a_holdout_check(tmp_path):
    lines = CDNOW.read_text().splitlines(keepends=True)
    # The first 1,000 customers (the file is sorted by customer id), header included.
    kept = [line for line in lines if line.split()[0] <= "01000" or not line.split()[0].isdigit()]
    sliced = tmp_path / "cdnow.txt"
    sliced.write_text("".join(kept))
    out_file = tmp_path / "out.csv"
    out, _ = _run("--csv", str(sliced), "--csv-format", "cdnow", "--out", str(out_file))
    assert "Segments as of 1998-06-30: 1000 customers" in out
    assert "Lifetime model holdout" in out and "MAE per customer" in out
    assert "Next 90 days" in out
    rows = list(csv.DictReader(out_file.open()))
    assert len(rows) == 1000
    assert all(row["predicted_purchases_90d"] for row in rows)


@pytest.mark.django_db
def test_on_the_shops_orders_it_stores_profiles(merchant_a):
    thing = product(merchant_a)
    order(UserFactory(), 3, (thing, "10.00", 1))
    out, err = _run("--merchant", "alpha")
    assert "Alpha: 1 customers" in out
    assert SegmentRun.objects.filter(merchant=merchant_a).count() == 1
    assert CustomerProfile.objects.filter(merchant=merchant_a).count() == 1
    assert "segments 5/5" in err  # progress printed
