"""common.page_holes: a page kept with holes, filled for each request with its own values."""

from django.test import RequestFactory
from markupsafe import Markup, escape

from common.page_holes import Holes, fill, page_note, per_shopper


@per_shopper
def greeting(request, punctuation: str) -> str:
    return str(escape(f"Hello {request.GET['name']}{punctuation}"))


def request_for(name: str):
    return RequestFactory().get("/", {"name": name})


def test_outside_a_kept_page_the_part_is_simply_its_value():
    assert greeting(request_for("Li"), "!") == "Hello Li!"


def test_a_kept_page_is_filled_with_each_request_s_own_values():
    rendering = request_for("first")
    rendering.page_holes = holes = Holes()
    page = f"<p>{greeting(rendering, '!')}</p><p>{greeting(rendering, '?')}</p>"

    parts = holes.split(page)

    assert "first" not in "".join(p for p in parts if isinstance(p, str))
    assert fill(request_for("Mei"), parts) == "<p>Hello Mei!</p><p>Hello Mei?</p>"
    assert fill(request_for("<b>"), parts) == "<p>Hello &lt;b&gt;!</p><p>Hello &lt;b&gt;?</p>"


def test_a_hole_prints_as_markup_so_the_template_does_not_escape_the_marker():
    rendering = request_for("x")
    rendering.page_holes = Holes()

    assert isinstance(greeting(rendering, "!"), Markup)


def test_notes_are_kept_only_while_a_page_is_rendered_for_the_cache():
    plain = request_for("x")
    page_note(plain, "product_id", 7)  # no page being kept: nothing to note, no error
    rendering = request_for("x")
    rendering.page_holes = holes = Holes()

    page_note(rendering, "product_id", 7)

    assert holes.notes == {"product_id": 7}
