"""Every label the project's own admin shows is marked for translation: app names, model names,
field names and help texts, column and read-only field descriptions, fieldset titles, actions
and list filters. A plain string there would stay English in the Chinese admin. Rows shown by
their text (inline rows, breadcrumbs) use labels, not stored codes, and no project string
changes the meaning of one of Django's admin words."""

from decimal import Decimal
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
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


@pytest.mark.django_db
def test_the_chinese_order_page_words_its_history_rows_in_chinese(client):
    """Django's admin prints each inline row's object above it: the order's events read
    "待付款 → 已付款", not the stored "pending_payment → paid"."""
    from tests.accounts.factories import UserFactory
    from tests.orders.factories import paid_order, variant_in_stock

    order = paid_order((variant_in_stock(price="29.80"), 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with translation.override("zh-hans"):
        url = reverse("admin:orders_order_change", args=[order.pk])

    html = client.get(url).content.decode()

    assert f"{order.number}: 待付款 → 已付款" in html
    assert "pending_payment" not in html.replace('value="pending_payment"', "")


@pytest.mark.django_db
def test_rows_shown_by_their_text_in_admin_use_labels_and_the_shops_money():
    from logistics.models import (
        Allocation,
        ShipmentEvent,
        ShipmentEventType,
        StockMovement,
        SupplyTerms,
    )
    from logistics.models import StockMovementKind as Kind
    from orders.models import Order, OrderEvent, OrderStatus
    from payments.models import Payment, PaymentEvent, PaymentStatus, RefundLine
    from tests.logistics.factories import StockFactory

    order_event = OrderEvent(from_status="", to_status=OrderStatus.PENDING_PAYMENT)
    order_event.order = Order(number="N1")
    payment = Payment(out_trade_no="N1-1", status=PaymentStatus.PAID)
    payment_event = PaymentEvent(payment=payment, from_status="pending", to_status="paid")
    stock = StockFactory(variant__sku="SKU-1")

    with translation.override("zh-hans"):
        assert str(order_event) == "N1: - → 待付款"
        assert str(payment) == "N1-1 (已付款)"
        assert str(payment_event) == "N1-1: 待支付 → 已付款"
        assert str(ShipmentEvent(type=ShipmentEventType.IN_TRANSIT, city="上海")) == "运输中 上海"
        assert str(
            StockMovement(kind=Kind.RECEIVED, sku="SKU-1", warehouse_id=3, quantity_delta=5)
        ) == ("入库 SKU-1 @ 3: +5")
    assert str(RefundLine(quantity=2, order_line_id=58)) == "2 of order line 58"
    assert str(Allocation(quantity=1, order_line_id=58, stock=stock)) == (
        f"1 of order line 58 from stock {stock.pk}"
    )
    assert str(SupplyTerms(variant=stock.variant, unit_cost=Decimal("1299"))) == "SKU-1: ¥1,299.00"
