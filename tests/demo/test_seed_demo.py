"""manage.py seed_demo and the generator behind it, on a tiny shop (the size presets are
overridden so each seed takes a fraction of a second)."""

import itertools
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Min, Q, Sum
from django.test import RequestFactory

from accounts.models import Address, Merchant, User
from accounts.regions import MOBILE_RE, POSTAL_CODE_RE, PROVINCES
from catalog.attributes import SWATCHES
from catalog.models import Category, Product, ProductImage, ProductVariant, Review
from catalog.services import product_availability_refresh
from demo import generate, vocabulary
from logistics import selectors as logistics_selectors
from logistics.models import (
    Allocation,
    Shipment,
    ShipmentEventType,
    ShipmentStatus,
    Stock,
    StockMovement,
)
from logistics.models import StockMovementKind as K
from orders.models import Order, OrderEvent, OrderLine, OrderStatus
from payments.events import payment_event_text, refund_event_text
from payments.models import (
    Payment,
    PaymentEvent,
    PaymentEventType,
    PaymentStatus,
    Refund,
    RefundEvent,
    RefundEventType,
    RefundStatus,
)
from recommendations.models import Interaction

pytestmark = pytest.mark.django_db

TINY = ["--products", "60", "--users", "30", "--interactions", "2000", "--orders", "100"]
TINY += ["--images-per-leaf", "1", "--no-train"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def sandbox_book(settings, tmp_path):
    """The Alipay stand-in's trade book, which seeding fills, in a directory of the test's own."""
    settings.ALIPAY_SANDBOX = True
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"
    return settings.ALIPAY_SANDBOX_DIR


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", *TINY, *extra, stdout=out)
    return out.getvalue()


def catalog_snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("slug").values_list("slug", "name_en", "name_zh_hans", "price")
    )


def test_the_same_seed_gives_the_same_catalog_and_another_seed_a_different_one():
    seed("--seed", "7")
    first = catalog_snapshot()
    first_skus = list(ProductVariant.objects.order_by("sku").values_list("sku", "price"))

    seed("--seed", "7", "--flush")
    assert catalog_snapshot() == first
    assert list(ProductVariant.objects.order_by("sku").values_list("sku", "price")) == first_skus

    seed("--seed", "8", "--flush")
    assert catalog_snapshot() != first


def test_a_seed_makes_the_shop_it_made_before_the_word_lists_became_data_files():
    # Taken from the generator when the word lists were Python literals (shop/demo/vocabulary.py).
    seed("--seed", "7")

    counts = (Product.objects.count(), ProductVariant.objects.count(), Review.objects.count())
    assert counts == (60, 173, 36)
    assert (User.objects.count(), Address.objects.count(), Order.objects.count()) == (35, 37, 100)
    assert list(Product.objects.order_by("id").values_list("name_en", "name_zh_hans")[:3]) == [
        ("Strideon Minimal Nubuck Low-Top Sneakers", "Strideon 极简磨砂皮低帮板鞋"),
        ("Corefit Waterproof Hiking Backpack", "Corefit 防水登山包"),
        ("Pixelwave 11-inch Tablet Pro", "Pixelwave 11英寸平板电脑 Pro"),
    ]
    assert list(Address.objects.order_by("id").values_list("city", "district")[:3]) == [
        ("北京市", "海淀区"),
        ("苏州市", "吴中区"),
        ("广州市", "番禺区"),
    ]


def test_products_and_categories_are_named_and_described_in_both_languages():
    seed()

    products = list(Product.objects.all())
    assert len(products) == 60
    for product in products:
        assert product.name_en and not CJK.search(product.name_en)
        assert CJK.search(product.name_zh_hans)
        assert product.description_en.count(".") >= 2
        assert CJK.search(product.description_zh_hans)
    categories = Category.objects.all()
    assert categories.filter(parent__isnull=True).count() == len(vocabulary.TOPS)
    assert categories.count() >= 20
    assert all(c.name_en and CJK.search(c.name_zh_hans) for c in categories)
    # Products live in leaf categories only.
    assert not Product.objects.filter(category__children__isnull=False).exists()


def test_product_price_is_the_lowest_active_variant_price():
    seed()

    mismatched = Product.objects.annotate(
        lowest=Min("variants__price", filter=Q(variants__is_active=True))
    ).exclude(price=F("lowest"))
    assert not mismatched.exists()
    per_product = Product.objects.annotate(n=Count("variants")).values_list("n", flat=True)
    assert set(per_product) <= set(range(1, 7))
    for variant in ProductVariant.objects.all():
        colour = variant.attributes.get("colour")
        assert colour is None or colour in SWATCHES
        assert variant.price.as_tuple().exponent == -2
        assert variant.compare_at_price is None or variant.compare_at_price > variant.price


def test_stock_is_spread_over_warehouses_and_the_in_stock_flag_matches_it():
    seed()

    assert Stock.objects.values("warehouse").distinct().count() >= 2
    cities = set(Stock.objects.values_list("warehouse__city", flat=True))
    assert len(cities) >= 2
    assert not Stock.objects.exclude(quantity__range=(0, 200)).exists()
    # Allocated: exactly what the paid orders waiting for shipment hold.
    held = dict(
        Allocation.objects.values("stock").annotate(n=Sum("quantity")).values_list("stock", "n")
    )
    assert dict(Stock.objects.exclude(allocated=0).values_list("pk", "allocated")) == held
    assert not Allocation.objects.exclude(order_line__order__status=OrderStatus.PAID).exists()
    flags = dict(Product.objects.values_list("id", "in_stock"))

    product_availability_refresh()

    assert dict(Product.objects.values_list("id", "in_stock")) == flags


def test_stock_history_opens_with_what_each_row_received_by_its_merchant_staff():
    seed()

    movements = StockMovement.objects.select_related("actor", "variant__product")
    assert movements.exists()
    assert set(movements.values_list("kind", flat=True)) == {K.RECEIVED}
    for movement in movements[:50]:
        assert movement.actor.is_staff
        assert movement.actor.merchant_id == movement.variant.product.merchant_id
        assert movement.reason == generate.OPENING_STOCK_REASON
    # What the history adds up to is what each row holds
    held = dict(Stock.objects.filter(quantity__gt=0).values_list("pk", "quantity"))
    received = dict(
        movements.values("stock").annotate(n=Sum("quantity_delta")).values_list("stock", "n")
    )
    assert received == held


def test_a_few_stock_rows_are_low_and_count_as_already_alerted():
    seed()

    low = logistics_selectors.low_stock()
    assert 0 < low.count() < Stock.objects.count() / 4
    assert not low.filter(low_stock_since__isnull=True).exists()
    assert (
        not Stock.objects.exclude(low_stock_notified_at=F("low_stock_since"))
        .filter(low_stock_since__isnull=False)
        .exists()
    )
    assert Stock.objects.filter(low_stock_threshold__isnull=False).exists()


def test_every_shopper_with_addresses_has_exactly_one_default_in_chinese_form():
    seed()

    shoppers = User.objects.filter(email__startswith="shopper")
    assert shoppers.count() == 30
    with_addresses = shoppers.filter(addresses__isnull=False).distinct()
    assert with_addresses.exists()
    for user in with_addresses:
        assert user.addresses.filter(is_default=True).count() == 1
    for address in Address.objects.all():
        assert address.province in PROVINCES
        assert MOBILE_RE.match(address.phone)
        assert POSTAL_CODE_RE.match(address.postal_code)


def test_orders_add_up_and_their_events_follow_them():
    seed()

    orders = Order.objects.annotate(lines_total=Sum("lines__line_total"))
    assert orders.count() > 80
    for order in orders:
        assert order.subtotal == order.lines_total
        assert order.total == order.subtotal + order.shipping_total - order.discount_total
        assert order.email == order.user.email
    assert not OrderLine.objects.exclude(merchant=F("product__merchant")).exists()
    assert not OrderEvent.objects.filter(created_at__lt=F("order__created_at")).exists()
    statuses = Counter(Order.objects.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] in (OrderStatus.COMPLETED, OrderStatus.DELIVERED)
    last_events = OrderEvent.objects.order_by("order", "-created_at", "-id").distinct()
    for order in Order.objects.all()[:20]:
        assert last_events.filter(order=order).first().to_status == order.status


def test_history_follows_the_shoppers_tastes():
    result = generate.demo_seed(
        options=generate.SeedOptions(
            seed=3, products=150, users=40, orders=150, interactions=5000, images_per_leaf=1
        )
    )

    by_user: dict[int, Counter] = defaultdict(Counter)
    for user_id, category_id in Interaction.objects.values_list("user_id", "product__category"):
        by_user[user_id][category_id] += 1
    active = [u for u, counts in by_user.items() if sum(counts.values()) >= 20]
    assert len(active) >= 20
    hits = sum(by_user[u].most_common(1)[0][0] in result.tastes[u] for u in active)
    assert hits / len(active) >= 0.85
    assert Interaction.objects.count() == 5000
    kinds = Counter(Interaction.objects.values_list("kind", flat=True))
    assert kinds["view"] > 3 * kinds["cart"]
    assert kinds["cart"] > kinds["purchase"] > 0
    assert result.co_purchases


def test_reviews_feed_the_product_stats():
    seed()

    assert Review.objects.exists()
    assert not Review.objects.values("product", "user").annotate(n=Count("id")).filter(n__gt=1)
    reviewed = Product.objects.filter(rating_count__gt=0)
    assert reviewed.exists()
    for product in reviewed:
        published = product.reviews.filter(is_published=True)
        assert product.rating_count == published.count()
    assert Product.objects.filter(sales_count__gt=0).exists()


def test_pictures_are_shared_pool_files_with_thumbnails():
    seed()

    names = set(ProductImage.objects.values_list("image", flat=True))
    assert names and all(name.startswith("products/demo/") for name in names)
    assert ProductImage.objects.count() > len(names)  # products share pool files
    for name in names:
        picture = ProductImage.objects.filter(image=name).first()
        assert default_storage.exists(name)
        assert default_storage.exists(picture.card.name)
        assert default_storage.exists(picture.thumb.name)


def test_admin_and_merchant_staff_can_log_in_and_the_command_says_how():
    output = seed()

    login = RequestFactory().post("/admin/login/")  # the lockout check needs the request
    admin = authenticate(login, email=generate.ADMIN_EMAIL, password=generate.ADMIN_PASSWORD)
    assert admin is not None and admin.is_superuser
    for merchant in Merchant.objects.all():
        email = generate.staff_email(merchant.slug)
        staff = authenticate(login, email=email, password=generate.STAFF_PASSWORD)
        assert staff is not None and staff.is_staff and not staff.is_superuser
        assert staff.merchant == merchant
        assert staff.has_perm("catalog.change_product")
        assert email in output
    assert Merchant.objects.count() == 4
    assert "http://127.0.0.1:8000" in output
    assert f"{generate.ADMIN_EMAIL} / {generate.ADMIN_PASSWORD}" in output


def test_the_demo_has_the_shops_pages_in_both_languages(client):
    output = seed()

    assert "Shop pages: 6 created, 0 kept" in output
    assert client.get("/pages/returns/").status_code == 200
    assert "退换货与售后" in client.get("/zh-hans/pages/returns/").text


def test_if_empty_leaves_an_existing_catalog_untouched():
    seed("--seed", "1")
    before = catalog_snapshot()
    touched = Product.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]

    output = seed("--seed", "2", "--if-empty")

    assert "nothing to seed" in output
    assert catalog_snapshot() == before
    assert (
        Product.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0] == touched
    )


def test_seeding_over_an_existing_catalog_without_flush_is_refused():
    seed()

    with pytest.raises(CommandError, match="--flush"):
        seed()


def test_flush_removes_the_demo_data_but_keeps_other_people():
    someone = User.objects.create_user(email="someone@shop.test", password="x" * 12)
    seed()

    generate.demo_flush()

    assert not Product.objects.exists()
    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert not Interaction.objects.exists()
    assert not Merchant.objects.exists()
    assert not User.objects.filter(email__startswith="shopper").exists()
    assert not User.objects.filter(email__startswith="staff@").exists()
    assert User.objects.filter(pk=someone.pk).exists()
    assert User.objects.filter(email=generate.ADMIN_EMAIL).exists()


def test_every_paid_order_has_its_one_settled_payment_of_its_total():
    seed()

    paid_ids = set(
        OrderEvent.objects.filter(to_status=OrderStatus.PAID).values_list("order_id", flat=True)
    )
    assert len(paid_ids) > 80
    assert set(Payment.objects.values_list("order_id", flat=True)) == paid_ids
    for order in Order.objects.filter(pk__in=paid_ids).prefetch_related("payments"):
        (payment,) = order.payments.all()
        refunded = order.status == OrderStatus.REFUNDED
        assert payment.status == (PaymentStatus.REFUNDED if refunded else PaymentStatus.PAID)
        assert (payment.gateway, payment.amount) == ("alipay", order.total)
        assert payment.paid_at == order.paid_at
        assert order.created_at <= payment.created_at <= payment.paid_at
        assert payment.out_trade_no == f"{order.number}-1" and len(payment.trade_no) == 28
    settled = PaymentEvent.objects.filter(to_status=PaymentStatus.PAID)
    assert settled.count() == len(paid_ids)
    assert not settled.exclude(created_at=F("payment__paid_at")).exists()


def test_refunded_orders_have_their_refund_made_and_unpaid_ones_no_payment():
    seed()

    refunded = Order.objects.filter(status=OrderStatus.REFUNDED)
    made = Refund.objects.filter(status=RefundStatus.SUCCEEDED)
    assert set(made.values_list("payment__order_id", flat=True)) == set(
        refunded.values_list("pk", flat=True)
    )
    assert not made.exclude(amount=F("payment__amount")).exists()
    assert not Payment.objects.filter(order__paid_at__isnull=True).exists()


def test_payment_and_refund_events_are_typed_and_worded_as_the_services_word_them():
    seed()

    assert not PaymentEvent.objects.filter(type=PaymentEventType.NOTE).exists()
    assert not RefundEvent.objects.filter(type=RefundEventType.NOTE).exists()
    paid = PaymentEvent.objects.filter(type=PaymentEventType.PAID).select_related("payment")[0]
    assert payment_event_text(paid) == f"Paid at Alipay (trade {paid.payment.trade_no})."
    refund = Refund.objects.filter(status=RefundStatus.SUCCEEDED).first()
    assert refund is not None
    assert [e.type for e in refund.events.all()] == [
        RefundEventType.REQUESTED,
        RefundEventType.SUCCEEDED,
    ]
    requested = refund.events.all()[0]
    assert refund_event_text(requested).startswith(f"Refund of ¥{refund.amount} requested.")
    refunded = PaymentEvent.objects.get(payment=refund.payment, type=PaymentEventType.REFUNDED)
    assert refunded.params["out_request_no"] == refund.out_request_no


def test_the_sandbox_knows_the_seeded_trades(sandbox_book):
    from alipay_sandbox.gateway import get_trade

    seed()

    payments = list(Payment.objects.order_by("pk")[:20])
    assert len(payments) == 20
    for payment in payments:
        trade = get_trade(payment.out_trade_no)
        assert trade["trade_no"] == payment.trade_no
        assert trade["total_amount"] == f"{payment.amount:.2f}"
        assert trade["status"] == (
            "TRADE_CLOSED" if payment.status == PaymentStatus.REFUNDED else "TRADE_SUCCESS"
        )


def test_paid_orders_have_parcels_in_every_state_with_their_journey():
    generate.demo_seed(
        options=generate.SeedOptions(
            seed=7, products=60, users=30, orders=1500, interactions=0, images_per_leaf=1
        )
    )

    shipments = Shipment.objects.select_related("order", "carrier", "warehouse")
    assert set(shipments.values_list("status", flat=True)) >= {
        ShipmentStatus.PACKING,
        ShipmentStatus.SHIPPED,
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.EXCEPTION,
    }
    by_order = {
        OrderStatus.PAID: {ShipmentStatus.PACKING},
        OrderStatus.DELIVERED: {ShipmentStatus.DELIVERED},
        OrderStatus.COMPLETED: {ShipmentStatus.DELIVERED},
    }
    carriers = set()
    for shipment in shipments:
        allowed = by_order.get(shipment.order.status)
        assert allowed is None or shipment.status in allowed, shipment.order.status
        assert shipment.order.status != OrderStatus.CANCELLED
        events = list(shipment.events.all())
        assert events[0].type == ShipmentEventType.CREATED
        assert events[-1].to_status == shipment.status
        assert all(a.occurred_at <= b.occurred_at for a, b in itertools.pairwise(events))
        assert all(e.created_at >= shipment.order.created_at for e in events)
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status
        lines = list(shipment.lines.select_related("order_line"))
        assert lines and all(p.order_line.merchant_id == shipment.merchant_id for p in lines)
        if shipment.status != ShipmentStatus.PACKING:
            assert shipment.carrier and shipment.tracking_number and shipment.shipped_at
            carriers.add(shipment.carrier.code)
            cities = {e.city for e in events}
            assert shipment.warehouse.city in cities
        if shipment.status == ShipmentStatus.DELIVERED:
            assert shipment.order.city in {e.city for e in events}
            assert shipment.delivered_at is not None
    assert {"sf-express", "zto", "city-vans", "simulated"} <= carriers
