"""Reading interaction files (recommendations.als.importfile): no database."""

from datetime import UTC, datetime

import pytest

from recommendations.als.importfile import (
    FileFormatError,
    LineError,
    Record,
    guess_format,
    parse_time,
    read,
)


def test_a_csv_row_becomes_a_typed_record_with_its_line_number():
    lines = ["user_external_id,sku,kind,time,rating", "u1,SKU-1,review,2024-05-01T10:00:00Z,4"]
    [record] = list(read(lines, "csv"))
    assert record == Record(
        line=2,
        user_route="user_external_id",
        user_key="u1",
        product_route="sku",
        product_key="SKU-1",
        kind="review",
        time=datetime(2024, 5, 1, 10, tzinfo=UTC),
        value=4,
    )


def test_a_jsonl_purchase_keeps_its_quantity_and_reads_epoch_seconds():
    lines = [
        '{"email": "A@Example.com", "product_id": 7, "kind": "purchase", "time": 0, "quantity": 3}'
    ]
    [record] = list(read(lines, "jsonl"))
    assert (record.user_key, record.product_key, record.value) == ("a@example.com", "7", 3)
    assert record.time == datetime(1970, 1, 1, tzinfo=UTC)


def test_a_time_without_a_zone_is_utc():
    assert parse_time("2024-01-02 03:04:05") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("u1,SKU-1,view,yesterday,", "bad_time"),
        ("u1,SKU-1,like,2024-01-01,", "bad_kind"),
        ("u1,SKU-1,review,2024-01-01,6", "bad_rating"),
        ("u1,SKU-1,review,2024-01-01,", "bad_rating"),
        (",SKU-1,view,2024-01-01,", "no_user"),
        ("u1,,view,2024-01-01,", "no_product"),
    ],
)
def test_bad_lines_are_reported_with_their_number_and_the_rest_is_read(row, code):
    lines = ["user_external_id,sku,kind,time,rating", row, "u2,SKU-2,view,2024-01-01,"]
    first, second = list(read(lines, "csv"))
    assert first == LineError(2, code, first.detail)
    assert isinstance(second, Record) and second.line == 3


def test_a_line_that_is_not_json_is_reported_and_the_next_is_read():
    lines = ["{broken", '{"user_id": 1, "product_id": 2, "kind": "cart", "time": "2024-01-01"}']
    first, second = list(read(lines, "jsonl"))
    assert first == LineError(1, "bad_json") and second.kind == "cart"


def test_a_default_kind_fills_rows_without_one():
    [record] = list(read(["user_id,product_id,time", "1,2,100"], "csv", default_kind="view"))
    assert record.kind == "view"


def test_a_csv_without_a_shopper_column_is_refused_as_a_whole():
    with pytest.raises(FileFormatError):
        list(read(["customer,item,kind,time", "1,2,view,0"], "csv"))


def test_tab_separated_files_are_read():
    [record] = list(read(["user_id\tproduct_id\tkind\ttime", "1\t2\tview\t5"], "csv"))
    assert (record.user_key, record.product_key) == ("1", "2")


def test_the_format_is_guessed_from_the_name():
    assert (guess_format("a.CSV"), guess_format("b.jsonl"), guess_format("c.xlsx")) == (
        "csv",
        "jsonl",
        None,
    )
