"""The storefront's Jinja2 environment (docs/templates.md), used through Django's own backend.

What a storefront template finds besides its context:

- `_("...")`: the `{% translate %}` of Django templates (the translation, printed as it is);
  `{% trans x=... %}...{% endtrans %}` (with `{% pluralize %}`): `{% blocktranslate %}` (the
  translation's own markup kept, the values escaped). Both read the active language's own
  catalog, the one Django's gettext reads, looked up once per language and process.
- `url(name, *args)`: reverse(), remembered per language (the storefront's URLs carry the
  language prefix); `static(path)`, `csrf_input` (added with the request: shop.csrf, Django's
  token with its mask drawn faster).
- The filters the Django templates used (money, floatformat, date, ...), each the same
  function, so the HTML is the same; the apps add their own (stars, image_url, the header's
  category links ...), named by dotted path in settings.TEMPLATES (OPTIONS "filters" and
  "globals"), as this package imports no app.
- Every value printed is localised as Django's templates do (numbers, dates in the shop's
  time zone).

`Jinja2` below is Django's backend that also reports each rendering to Django's test client
(the `template_rendered` signal), so tests read `response.context` as they did.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import jinja2
from django.conf import settings
from django.template import Context, defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static as django_static
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.module_loading import import_string
from django.utils.translation import get_language, trans_real
from markupsafe import Markup

from common.money import money_format
from common.page_holes import per_shopper, rendering_holes

from .csrf import csrf_input, csrf_input_lazy, csrf_token_lazy

# --- Translations --------------------------------------------------------------------------------
_catalogs: dict[str, trans_real.DjangoTranslation] = {}


def _catalog(language: str | None = None) -> trans_real.DjangoTranslation:
    language = language or get_language() or settings.LANGUAGE_CODE
    found = _catalogs.get(language)
    if found is None:
        found = _catalogs.setdefault(language, trans_real.translation(language))
    return found


# Like Django's {% translate "literal" %}, a translation is printed as it is (not escaped):
# the message and its translations are the project's own text, not a visitor's.
_translated: dict[tuple[str, str], Markup] = {}


def _gettext(language: str, message: str) -> Markup:
    found = _translated.get((language, message))
    if found is None:
        found = Markup(_catalog(language).gettext(message))
        if len(_translated) < 20_000:  # the templates' own messages: a few hundred per language
            _translated[(language, message)] = found
    return found


def gettext(message: str) -> Markup:
    return _gettext(get_language() or settings.LANGUAGE_CODE, message)


def ngettext(singular: str, plural: str, number: int) -> Markup:
    return Markup(_catalog().ngettext(singular, plural, number))


def pgettext(context: str, message: str) -> Markup:
    key = f"{context}\x04{message}"  # a variable: xgettext must not read this as a message
    found = _catalog().gettext(key)
    return Markup(message if "\x04" in found else found)


def npgettext(context: str, singular: str, plural: str, number: int) -> Markup:
    keys = (f"{context}\x04{singular}", f"{context}\x04{plural}")  # not messages for xgettext
    found = _catalog().ngettext(*keys, number)
    if "\x04" in found:
        return Markup(singular if number == 1 else plural)
    return Markup(found)


# --- URLs ----------------------------------------------------------------------------------------
_urls: dict[tuple, str] = {}


def url(name: str, *args) -> str:
    """reverse(name, args=args), remembered per language: a storefront page asks for the same
    few URLs on every request."""
    return _url(get_language(), name, *args)


def _url(language: str | None, name: str, *args) -> str:
    key = (language, name, *args)
    found = _urls.get(key)
    if found is None:
        found = reverse(name, args=args or None)
        if len(_urls) < 4096:
            _urls[key] = found
    return found


_statics: dict[str, str] = {}


def static(path: str) -> str:
    found = _statics.get(path)
    if found is None:
        found = _statics[path] = django_static(path)
    return found


# --- Filters -------------------------------------------------------------------------------------
def floatformat(value, arg=-1):
    return defaultfilters.floatformat(value, arg)


def date(value, arg=None):
    """Django's |date, after the conversion to the shop's time zone Django's templates make."""
    return defaultfilters.date(_localtime(value), arg)


def time(value, arg=None):
    return defaultfilters.time(_localtime(value), arg)


def truncatechars(value, length):
    return defaultfilters.truncatechars(value, length)


def linebreaks(value):
    return defaultfilters.linebreaks_filter(value, autoescape=True)


def default_if_none(value, default=""):
    return default if value is None else value


def _localtime(value):
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _finalize(value):
    """What Django's templates print for a value: numbers and dates localised."""
    if isinstance(value, str) or value is None or value.__class__ is bool:
        return value
    if value.__class__ is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() gives for an int without grouping, at a tenth the cost
    if isinstance(value, (int, float, Decimal, datetime.date, datetime.time)):
        return localize(_localtime(value))
    return value


def with_page(params, number) -> str:
    return params.query_for_page(number)


def elided_pages(page):
    """The page numbers to link to, None where some are left out (the paginator's ELLIPSIS, a
    lazy translation that costs a look-up at each comparison)."""
    return [
        n if isinstance(n, int) else None
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


def now(fmt: str) -> str:
    return defaultfilters.date(timezone.localtime(), fmt)


def current_language() -> str:
    return get_language()


def environment(**options) -> jinja2.Environment:
    # Like a Django template: a missing variable or attribute prints as nothing.
    options["undefined"] = jinja2.ChainableUndefined
    app_filters = options.pop("filters", {})
    app_globals = options.pop("globals", {})
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], finalize=_finalize, **options)
    env.install_gettext_callables(
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=False
    )
    env.globals.update(
        url=url,
        static=static,
        now=now,
        current_language=current_language,
        SHOP_NAME=settings.SHOP_NAME,
    )
    env.filters.update(
        money=money_format,
        floatformat=floatformat,
        date=date,
        time=time,
        linebreaks=linebreaks,
        truncatechars=truncatechars,
        default_if_none=default_if_none,
        with_page=with_page,
        elided_pages=elided_pages,
    )
    env.filters.update({name: import_string(path) for name, path in app_filters.items()})
    env.globals.update({name: import_string(path) for name, path in app_globals.items()})
    return env


# --- The backend -------------------------------------------------------------------------------
@per_shopper
def csrf_input_part(request) -> str:
    """The CSRF token's hidden input: the shopper's own, also in a page kept with holes."""
    return csrf_input(request)


@per_shopper
def csrf_token_part(request) -> str:
    return str(csrf_token_lazy(request))


# `_()` and `url()` bound to the language a template is rendered in: looked up once per render,
# not at each call (Django's get_language reads its request-local storage, about 1.5 µs, some
# forty times a product page). A template renders in one language throughout.
_bound: dict[str | None, dict[str, Callable]] = {}


def _in_language(language: str | None) -> dict[str, Callable]:
    found = _bound.get(language)
    if found is None:
        texts = language or settings.LANGUAGE_CODE
        found = _bound[language] = {
            "gettext": lambda message: _gettext(texts, message),
            "url": lambda name, *args: _url(language, name, *args),
        }
    return found


class Template(django_jinja2.Template):
    @property
    def name(self) -> str:
        return self.template.name

    def render(self, context=None, request=None):
        bound = _in_language(get_language())
        context = {**bound, **context} if context else dict(bound)
        if request is not None:
            # As in a Django template, the view's own values win over the context processors'
            # (Django's Jinja2 backend lets the processors overwrite them: a view's `cart_count`
            # worked out already would be counted again).
            if rendering_holes(request) is None:
                page = {
                    "request": request,
                    "csrf_input": csrf_input_lazy(request),
                    "csrf_token": csrf_token_lazy(request),
                }
            else:  # a page kept with holes (common.page_holes): the shopper's own token
                page = {
                    "request": request,
                    "csrf_input": csrf_input_part(request),
                    "csrf_token": csrf_token_part(request),
                }
            for context_processor in self.backend.template_context_processors:
                page.update(context_processor(request))
            page.update(context)
            context = page
        html = super().render(context)
        if template_rendered.receivers:
            # Only Django's test client listens: it keeps the context for response.context.
            template_rendered.send(sender=self, template=self, context=Context(context))
        return html


class Jinja2(django_jinja2.Jinja2):
    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        found = super().get_template(template_name)
        return Template(found.template, self)
