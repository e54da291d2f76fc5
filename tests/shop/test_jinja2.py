"""The storefront's Jinja2 environment prints what the Django templates printed: translations
from the active language's catalog, values localised, and its strings found by makemessages."""

import pytest
from django.template import engines
from django.utils import translation

from benchmarks.html_compare import normalise
from common.management.commands.makemessages import jinja_messages


@pytest.fixture
def jinja():
    return engines.all()[0]


def render(engine, source: str, **context) -> str:
    return engine.from_string(source).render(context)


def test_translations_come_from_the_active_language(jinja):
    source = (
        "{{ _('Sold out') }}|{% trans counter=n %}{{ counter }} product{% pluralize %}"
        "{{ counter }} products{% endtrans %}"
    )

    assert render(jinja, source, n=2) == "Sold out|2 products"
    with translation.override("zh-hans"):
        chinese = render(jinja, source, n=2)
    assert "Sold out" not in chinese and "2" in chinese


def test_a_translation_is_printed_as_it_is_and_a_value_in_it_escaped(jinja):
    html = render(jinja, "{% trans q=q %}Results for “{{ q }}”{% endtrans %}", q="<b>")

    assert html == "Results for “&lt;b&gt;”"


def test_values_are_localised_like_django_templates(jinja):
    from decimal import Decimal

    assert (
        render(jinja, "{{ x }}|{{ y|floatformat(1) }}", x=Decimal("12.50"), y=4.25) == "12.50|4.3"
    )


def test_a_missing_value_prints_nothing(jinja):
    assert render(jinja, "[{{ nothing.at.all }}]") == "[]"


def test_makemessages_finds_the_strings_of_a_jinja_template():
    source = (
        "{{ _('Sold out') }}\n"
        "{% trans counter=n %}{{ counter }} product{% pluralize %}"
        "{{ counter }} products{% endtrans %}"
    )

    assert jinja_messages(source) == (
        'gettext("Sold out")\nngettext("%(counter)s product", "%(counter)s products", n)\n'
    )


def test_the_html_comparison_ignores_whitespace_entities_and_csrf_tokens():
    before = '<p>\n  We couldn&#x27;t  find it</p>\n<input name="csrfmiddlewaretoken" value="abc">'
    after = '<p>We couldn&#39;t find it</p><input name="csrfmiddlewaretoken" value="xyz">'

    assert normalise(before) == normalise(after)
    assert normalise("<p>a b</p>") != normalise("<p>ab</p>")


@pytest.mark.django_db
def test_a_views_own_values_win_over_the_context_processors(jinja, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    source = "{{ cart_count }}|{{ CART_MAX_LINE_QUANTITY }}|{{ csrf_input }}"

    html = jinja.from_string(source).render({"cart_count": 7}, request)

    # The view's count (a Django template keeps it too); what the view left out still comes
    # from the processors, and a form's CSRF field from the backend.
    count, most, csrf = html.split("|")
    assert count == "7"
    assert most != "" and 'name="csrfmiddlewaretoken"' in csrf


def test_a_form_field_prints_its_label_widget_help_and_errors(jinja):
    from django import forms

    class Form(forms.Form):
        email = forms.EmailField(help_text="We write only about <em>orders</em>.")
        note = forms.CharField(required=False)
        agree = forms.BooleanField()

    form = Form({"email": "not-an-email", "note": ""})
    source = (
        '{% from "includes/form_field.html" import form_field %}'
        "{{ form_field(form.email) }}{{ form_field(form.note) }}{{ form_field(form.agree) }}"
    )

    raw = render(jinja, source, form=form)
    html = normalise(raw)

    assert '<div class="form-row has-error"><label for="id_email">Email</label><input' in html
    assert (
        '<div class="helptext" id="id_email_helptext">We write only about <em>orders</em>.' in raw
    )
    assert '<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.' in html
    assert 'Note<span class="muted">(optional)</span></label>' in html
    assert '<label for="id_agree"><input type="checkbox" name="agree"' in html


def test_an_integer_prints_as_localize_prints_it_without_calling_it(jinja, monkeypatch):
    from django.utils.formats import localize

    import shop.jinja2

    expected = {n: str(localize(n)) for n in (0, 7, -12, 1234567)}
    called = []
    monkeypatch.setattr(shop.jinja2, "localize", lambda value: called.append(value) or value)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            printed = {n: render(jinja, "{{ n }}", n=n) for n in expected}
        assert printed == expected
    assert called == []  # ints skip localize() (no thousands grouping in this shop)
    assert render(jinja, "{{ flag }}", flag=True) == "True"


def test_a_template_asks_the_language_once_and_keeps_it_throughout(jinja, monkeypatch):
    """`_()` and `url()` are bound to the language the template is rendered in: Django's
    get_language is asked once per render, not at every call."""
    import shop.jinja2 as backend

    asked = []
    original = backend.get_language

    def counting():
        asked.append(1)
        return original()

    monkeypatch.setattr(backend, "get_language", counting)
    source = (
        "{{ _('Sold out') }} {{ _('Cart') }} {{ url('cart:detail') }} {{ url('catalog:home') }}"
    )

    english = render(jinja, source)
    with translation.override("zh-hans"):
        chinese = render(jinja, source)

    assert len(asked) == 2
    assert english == "Sold out Cart /cart/ /"
    assert "Sold out" not in chinese and "/zh-hans/cart/" in chinese
    assert chinese.split()[:2] == [
        str(backend._gettext("zh-hans", "Sold out")),
        str(backend._gettext("zh-hans", "Cart")),
    ]
