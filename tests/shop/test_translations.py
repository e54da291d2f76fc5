"""The Simplified Chinese catalog: complete, compiled, faithful to its placeholders, in step with
the sources, and actually used by the storefront."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from common.management.commands.makemessages import jinja_messages
from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

JINJA_DIR = Path(settings.BASE_DIR).resolve() / "jinja2_templates"
LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# The directories `makemessages` is told to skip, plus the ones no shipped string lives in.
IGNORED_DIRS = {".venv", "var", "test-artifacts", "benchmarks", "tests", "node_modules", ".git"}

# printf-style conversions as Python's % operator reads them; `%%` is a literal percent sign.
PLACEHOLDER_RE = re.compile(
    r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
NAMED_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)")

# The calls templatize() writes for {% translate %} and {% blocktranslate %}, with their
# arguments as Python string literals (repr, so either quote).
_PY_STR = r"u(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
TEMPLATE_CALL_RE = re.compile(rf"\b(n?p?gettext)\(((?:\s*{_PY_STR}\s*,?)+)")
TEMPLATE_STR_RE = re.compile(_PY_STR)

# gettext functions as xgettext reads them: which positional argument is the context, which
# the msgid (and the plural).
PY_KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


@pytest.fixture(scope="module")
def po_msgids(po) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def source_files(*suffixes: str) -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in base.rglob("*")
        if path.suffix in suffixes
        and path.is_file()
        and not IGNORED_DIRS.intersection(path.relative_to(base).parts)
    )


def placeholders(text: str) -> list[str]:
    found = (m.group(0) for m in PLACEHOLDER_RE.finditer(text))
    return sorted(p for p in found if p != "%%")


def msgstrs(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- The catalog itself --------------------------------------------------------------------------
def test_the_catalog_header_declares_chinese_with_one_plural_form(po):
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "zh_Hans"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = [e for e in po if not e.obsolete]

    assert entries
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in entries if not all(s.strip() for s in msgstrs(e))] == []


def test_plural_entries_have_exactly_the_one_chinese_form(po):
    plurals = [e for e in po if e.msgid_plural and not e.obsolete]

    assert plurals
    assert {e.msgid: sorted(e.msgstr_plural) for e in plurals} == {e.msgid: [0] for e in plurals}


def test_the_compiled_catalog_holds_exactly_the_translated_entries(po):
    """Catches a .po edited without running compilemessages."""
    mo = polib.mofile(str(MO_PATH))

    def table(entries):
        return {(e.msgctxt, e.msgid, e.msgid_plural or None): tuple(msgstrs(e)) for e in entries}

    assert table(mo) == table(po.translated_entries())


def test_placeholders_survive_translation(po):
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for msgstr in msgstrs(entry):
            if "python-format" in entry.flags:
                # One Chinese form stands for singular and plural: it needs the plural's fields.
                expected = placeholders(sources[-1])
                if placeholders(msgstr) != expected:
                    wrong.append((entry.msgid, msgstr))
            elif set(NAMED_PLACEHOLDER_RE.findall(msgstr)) != set(
                NAMED_PLACEHOLDER_RE.findall(entry.msgid)
            ):
                wrong.append((entry.msgid, msgstr))

    assert wrong == []


# --- In step with the sources --------------------------------------------------------------------
def template_msgids(path: Path) -> set[tuple[str | None, str]]:
    """The msgids of {% translate %} and {% blocktranslate %} in a template, read the way
    makemessages reads them (Django's templatize), so blocktranslate and `trimmed` are covered."""
    if JINJA_DIR in path.parents:
        # A storefront Jinja2 template: read the way the project's makemessages reads it.
        return _python_source_msgids(jinja_messages(path.read_text(encoding="utf-8")), str(path))
    found = set()
    for call in TEMPLATE_CALL_RE.finditer(templatize(path.read_text(encoding="utf-8"))):
        args = [ast.literal_eval(s) for s in TEMPLATE_STR_RE.findall(call.group(2))]
        if call.group(1).startswith(("pgettext", "npgettext")):
            found.add((args[0], args[1]))
        else:
            found.add((None, args[0]))
    return found


def python_msgids(path: Path) -> set[tuple[str | None, str]]:
    return _python_source_msgids(path.read_text(encoding="utf-8"), str(path))


def _python_source_msgids(source: str, filename: str) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in PY_KEYWORDS:
            continue
        ctx_index, id_index = PY_KEYWORDS[name]
        args = node.args
        if len(args) <= id_index or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[: id_index + 1]
        ):
            continue  # Not a literal: xgettext skips it too.
        context = args[ctx_index].value if ctx_index is not None else None
        found.add((context, args[id_index].value))
    return found


def test_the_template_set_is_found():
    names = {p.name for p in source_files(".html", ".txt")}

    assert {"base.html", "_category_body.html", "login.html", "password_reset.txt"} <= names


def test_every_template_string_is_in_the_catalog(po_msgids):
    missing = {
        (str(path.relative_to(settings.BASE_DIR)), msgid)
        for path in source_files(".html", ".txt")
        for context, msgid in template_msgids(path)
        if (context, msgid) not in po_msgids
    }

    assert missing == set(), "run makemessages -l zh_Hans and translate the new entries"


def test_every_python_string_is_in_the_catalog(po_msgids):
    missing = {
        (str(path.relative_to(settings.BASE_DIR)), msgid)
        for path in source_files(".py")
        for context, msgid in python_msgids(path)
        if msgid and (context, msgid) not in po_msgids
    }

    assert missing == set(), "run makemessages -l zh_Hans and translate the new entries"


# --- What a Chinese shopper sees -----------------------------------------------------------------
@pytest.fixture
def listed_product(db):
    category = CategoryFactory(name_en="Tea", name_zh_hans="茶叶", slug="tea")
    product = ProductFactory(
        category=category,
        brand=BrandFactory(),
        name_en="Jasmine Tea",
        name_zh_hans="茉莉花茶",
        slug="jasmine-tea",
        price=Decimal("39.00"),
    )
    variant = VariantFactory(
        product=product, price=Decimal("39.00"), attributes={"colour": "red", "size": "M"}
    )
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="sh"), quantity=50)
    return product


def get_in_chinese(client, name: str, *args) -> str:
    with translation.override("zh-hans"):
        url = reverse(name, args=args)
    assert url.startswith("/zh-hans/")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_chinese_category_page_is_in_chinese(client, listed_product):
    html = get_in_chinese(client, "catalog:category", listed_product.category.slug)

    for chinese in ["排序方式", "仅显示有货", "销量优先", "价格从低到高", "筛选", "清除全部"]:
        assert chinese in html
    for english in ["Sort by", "In stock only", "Best selling", "Price: low to high", "Clear all"]:
        assert english not in html


def test_the_chinese_product_page_is_in_chinese(client, listed_product):
    html = get_in_chinese(client, "catalog:product", listed_product.slug)

    for chinese in ["茉莉花茶", "红色 / M", "有货", "商品详情", "暂无评价"]:
        assert chinese in html
    for english in ["Red / M", "In stock", "Description", "No reviews yet"]:
        assert english not in html


def test_the_chinese_login_page_is_in_chinese(client, db):
    html = get_in_chinese(client, "accounts:login")

    for chinese in ["登录", "邮箱地址", "忘记密码", "注册账户"]:
        assert chinese in html
    for english in ["Log in", "Email address", "Forgot your password?", "Create an account"]:
        assert english not in html
