"""A slot's frame (heading, grid) is rendered once per process, slot, language and what else the
template is given; the page shows exactly what rendering the slot's template gives."""

import importlib
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

tags = importlib.import_module("recommendations.templatetags.recommendations")

CARDS = [SimpleNamespace(html='<article class="product-card">A &amp; B</article>')] * 2
SLOTS = [
    ("for_you", {"personal": True}),
    ("for_you", {"personal": False}),
    ("also_bought", {}),
    ("similar", {}),
    ("recently_viewed", {}),
    ("complete", {}),
]


@pytest.fixture(autouse=True)
def _fresh_frames(monkeypatch):
    monkeypatch.setattr(tags, "_frames", {})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("name", "context"), SLOTS)
def test_a_slot_is_what_its_template_renders(name, context, language):
    with translation.override(language):
        expected = render_to_string(
            f"recommendations/_{name}.html",
            {**context, "cards_html": mark_safe("".join(c.html for c in CARDS))},
        )
        assert tags._render(name, context, CARDS) == expected
        assert tags._render(name, context, CARDS) == expected  # from the kept frame


def test_the_frame_is_rendered_once_per_slot_language_and_context(monkeypatch):
    rendered = []
    original = tags.render_to_string

    def counting(name, context):
        rendered.append((name, translation.get_language()))
        return original(name, context)

    monkeypatch.setattr(tags, "render_to_string", counting)
    for _ in range(3):
        tags._render("similar", {}, CARDS)
        with translation.override("zh-hans"):
            tags._render("similar", {}, CARDS)
        tags._render("for_you", {"personal": True}, CARDS)
        tags._render("for_you", {"personal": False}, CARDS)

    assert len(rendered) == 4


def test_a_template_showing_the_cards_other_than_once_is_rendered_each_time(monkeypatch):
    def twice(name, context):
        return f"<h2>Slot</h2>{context['cards_html']}<hr>{context['cards_html']}"

    monkeypatch.setattr(tags, "render_to_string", twice)

    html = tags._render("similar", {}, CARDS)

    assert html.count(CARDS[0].html) == 4
    assert tags._frames == {("similar", "en", ()): None}


def test_no_frame_is_kept_with_debug_on(settings):
    settings.DEBUG = True

    tags._render("similar", {}, CARDS)

    assert tags._frames == {}
