"""Every label the project's own admin shows is marked for translation: app names, model names,
field names and help texts, column and read-only field descriptions, fieldset titles, actions
and list filters. A plain string there would stay English in the Chinese admin."""

from pathlib import Path

import django
import polib
from django.apps import apps
from django.contrib import admin
from django.utils.functional import Promise

from tests.shop.test_translations import PO_PATH, python_msgids, source_files, template_msgids

PROJECT_APPS = {
    "accounts",
    "alipay_sandbox",
    "api",
    "cart",
    "catalog",
    "common",
    "demo",
    "insights",
    "logistics",
    "orders",
    "payments",
    "recommendations",
    "search",
    "shop",
    "support",
}


def is_plain_text(value) -> bool:
    return isinstance(value, str) and not isinstance(value, Promise) and bool(value.strip())


def admin_labels(model_admin) -> list[tuple[str, object]]:
    owner = type(model_admin).__name__
    labels = []
    for name in dir(type(model_admin)):
        attribute = getattr(type(model_admin), name, None)
        if callable(attribute) and hasattr(attribute, "short_description"):
            labels.append((f"{owner}.{name}", attribute.short_description))
    for title, _options in model_admin.fieldsets or ():
        labels.append((f"{owner} fieldset", title))
    for action in getattr(model_admin, "actions", None) or ():
        function = getattr(type(model_admin), action, None) if isinstance(action, str) else action
        labels.append((f"{owner} action {action}", getattr(function, "short_description", None)))
    for list_filter in getattr(model_admin, "list_filter", None) or ():
        if isinstance(list_filter, type):
            labels.append((f"{owner} filter", getattr(list_filter, "title", None)))
    return labels


def model_labels(model) -> list[tuple[str, object]]:
    meta = model._meta
    labels = [
        (f"{meta.label} verbose_name", meta.original_attrs.get("verbose_name", "(none)")),
        (f"{meta.label} verbose_name_plural", meta.original_attrs.get("verbose_name_plural")),
    ]
    for field in meta.get_fields():
        if (field.auto_created and not field.concrete) or field.name == "id":
            continue
        labels.append((f"{meta.label}.{field.name}", field.verbose_name))
        labels.append((f"{meta.label}.{field.name} help_text", field.help_text))
    return labels


def test_every_admin_label_of_the_project_is_marked_for_translation():
    labels = [
        (f"app {config.label}", config.verbose_name)
        for config in apps.get_app_configs()
        if config.name in PROJECT_APPS
    ]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        labels += model_labels(model)
        for model_admin_or_inline in (
            model_admin,
            *(inline(model, admin.site) for inline in model_admin.inlines),
        ):
            labels += admin_labels(model_admin_or_inline)
            if model_admin_or_inline is not model_admin:
                labels += model_labels(model_admin_or_inline.model)

    plain = sorted({f"{where}: {value!r}" for where, value in labels if is_plain_text(value)})

    assert not plain, "not marked for translation:\n" + "\n".join(plain)


# The shop's own wording of a few of Django's words, same meaning: kept on purpose.
SYNONYMS_OF_DJANGOS = {"Log out", "Page not found"}


def test_no_project_string_gives_a_word_of_djangos_admin_another_meaning():
    """One catalog serves the shop and Django's admin: a msgid the project uses and translates
    its own way replaces Django's translation on every admin page (a dashboard column "Change",
    once translated 环比变化, renamed every admin "Change" link). Such a word takes a context."""
    django_catalog = polib.pofile(
        str(Path(django.__file__).parent / "contrib/admin/locale/zh_Hans/LC_MESSAGES/django.po")
    )
    djangos = {(e.msgctxt, e.msgid): e.msgstr for e in django_catalog if e.msgstr}
    ours = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO_PATH)) if not e.obsolete}
    used = {key for path in source_files(".html", ".txt") for key in template_msgids(path)} | {
        key for path in source_files(".py") for key in python_msgids(path)
    }

    clashes = sorted(
        f"{msgid!r}: ours {ours[key]!r}, Django's admin {djangos[key]!r}"
        for key in used & djangos.keys() & ours.keys()
        if ours[key] != djangos[key] and (msgid := key[1]) not in SYNONYMS_OF_DJANGOS
    )

    assert not clashes, "\n".join(clashes)
