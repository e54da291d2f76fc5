"""Merchant staff see and change only their own merchant's rows in admin, whatever they post."""

from decimal import Decimal

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from accounts.models import User
from accounts.permissions import MERCHANT_STAFF_GROUP, grant_merchant_staff_permissions
from catalog.models import Product, ProductVariant
from logistics.models import Stock
from orders.models import Order, OrderLine
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, ReviewFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def admin_form_data(response, **overrides) -> dict:
    """What an admin add/change page posts when submitted as rendered (main form, every inline
    form and the inline management forms), with `overrides` on top."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, FieldFile) or value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, (list, tuple)):
                value = [bound.field.prepare_value(v) for v in value]
            else:
                value = bound.field.prepare_value(value)
            data[bound.html_name] = value
    data.update(overrides)
    return data


@pytest.fixture
def staff_a(client, merchant_a):
    staff = StaffFactory(merchant=merchant_a, email="staff@alpha.example")
    client.force_login(staff)
    return staff


@pytest.fixture
def product_a(merchant_a):
    return ProductFactory(merchant=merchant_a, name_en="Alpha Lamp")


@pytest.fixture
def product_b(merchant_b):
    return ProductFactory(merchant=merchant_b, name_en="Bravo Kettle")


@pytest.fixture
def variant_a(product_a):
    return VariantFactory(product=product_a, sku="ALPHA-1")


@pytest.fixture
def variant_b(product_b):
    return VariantFactory(product=product_b, sku="BRAVO-1")


@pytest.fixture
def stock_b(variant_b):
    return StockFactory(variant=variant_b, quantity=7)


def test_changelist_lists_only_own_products(client, staff_a, product_a, product_b):
    response = client.get(reverse("admin:catalog_product_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [product_a]


@pytest.mark.parametrize(
    ("viewname", "target"),
    [
        ("admin:catalog_product_change", "product_b"),
        ("admin:catalog_product_delete", "product_b"),
        ("admin:catalog_product_history", "product_b"),
        ("admin:catalog_productvariant_change", "variant_b"),
        ("admin:catalog_productvariant_delete", "variant_b"),
        ("admin:catalog_productvariant_history", "variant_b"),
        ("admin:logistics_stock_change", "stock_b"),
        ("admin:logistics_stock_history", "stock_b"),
        ("admin:catalog_review_change", "review_b"),
    ],
)
def test_other_merchants_object_pages_are_not_found(client, staff_a, request, viewname, target):
    if target == "review_b":
        obj = ReviewFactory(product=request.getfixturevalue("product_b"))
    else:
        obj = request.getfixturevalue(target)

    response = client.get(reverse(viewname, args=[obj.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("viewname", "target"),
    [
        ("admin:catalog_product_change", "product_a"),
        ("admin:catalog_product_history", "product_a"),
        ("admin:catalog_productvariant_change", "variant_a"),
        ("admin:logistics_stock_change", "stock_a"),
    ],
)
def test_own_object_pages_open(client, staff_a, request, viewname, target):
    if target == "stock_a":
        obj = StockFactory(variant=request.getfixturevalue("variant_a"))
    else:
        obj = request.getfixturevalue(target)

    response = client.get(reverse(viewname, args=[obj.pk]))

    assert response.status_code == 200


def test_merchant_field_is_hidden_from_merchant_staff(client, staff_a, product_a):
    response = client.get(reverse("admin:catalog_product_change", args=[product_a.pk]))

    assert "merchant" not in response.context["adminform"].form.fields
    assert 'name="merchant"' not in response.content.decode()


def test_crafted_change_post_on_other_merchants_product_changes_nothing(client, staff_a, product_b):
    url = reverse("admin:catalog_product_change", args=[product_b.pk])

    response = client.post(url, {"name_en": "Hijacked", "is_active": ""})

    assert response.status_code == 404
    product_b.refresh_from_db()
    assert product_b.name_en == "Bravo Kettle"
    assert product_b.is_active


def test_crafted_delete_post_on_other_merchants_product_deletes_nothing(client, staff_a, product_b):
    response = client.post(
        reverse("admin:catalog_product_delete", args=[product_b.pk]), {"post": "yes"}
    )

    assert response.status_code == 404
    assert Product.objects.filter(pk=product_b.pk).exists()


def test_crafted_action_post_with_other_merchants_pk_leaves_it_active(
    client, staff_a, product_a, product_b
):
    response = client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "deactivate", "_selected_action": [product_b.pk]},
    )

    assert response.status_code in (200, 302)
    product_b.refresh_from_db()
    assert product_b.is_active


def test_crafted_delete_action_with_other_merchants_pk_deletes_nothing(
    client, staff_a, product_a, product_b
):
    client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "delete_selected", "_selected_action": [product_b.pk], "post": "yes"},
    )

    assert Product.objects.filter(pk=product_b.pk).exists()


def test_add_product_posted_for_another_merchant_is_owned_by_own_merchant(
    client, staff_a, merchant_a, merchant_b
):
    category = CategoryFactory()
    add_url = reverse("admin:catalog_product_add")
    data = admin_form_data(
        client.get(add_url),
        merchant=merchant_b.pk,
        name_en="Crafted",
        slug="crafted",
        category=category.pk,
        **{"variants-0-sku": "CRAFTED-1", "variants-0-price": "10.00"},
    )

    response = client.post(add_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(slug="crafted")
    assert product.merchant == merchant_a


def test_add_stock_for_other_merchants_variant_is_a_form_error(client, staff_a, variant_b):
    warehouse = WarehouseFactory()

    response = client.post(
        reverse("admin:logistics_stock_add"),
        {"warehouse": warehouse.pk, "variant": variant_b.pk, "quantity": 5},
    )

    assert response.status_code == 200
    assert "variant" in response.context["adminform"].form.errors
    assert not Stock.objects.exists()


def test_add_variant_for_other_merchants_product_is_a_form_error(client, staff_a, product_b):
    add_url = reverse("admin:catalog_productvariant_add")
    data = admin_form_data(client.get(add_url), product=product_b.pk, sku="CRAFTED-2", price="5.00")

    response = client.post(add_url, data)

    assert response.status_code == 200
    assert "product" in response.context["adminform"].form.errors
    assert not ProductVariant.objects.filter(sku="CRAFTED-2").exists()


def test_crafted_variant_inline_row_of_another_product_changes_nothing(
    client, staff_a, product_a, variant_a, variant_b
):
    url = reverse("admin:catalog_product_change", args=[product_a.pk])
    data = admin_form_data(client.get(url), **{"variants-0-id": variant_b.pk})
    data["variants-0-price"] = "1.00"

    client.post(url, data)

    variant_b.refresh_from_db()
    assert variant_b.price == Decimal("99.00")
    assert variant_b.product_id != product_a.pk


def autocomplete(client, app_label, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


def test_variant_autocomplete_for_stock_offers_only_own_variants(
    client, staff_a, variant_a, variant_b
):
    assert autocomplete(client, "logistics", "stock", "variant") == {variant_a.pk}
    assert autocomplete(client, "logistics", "stock", "variant", term="BRAVO") == set()


def test_product_autocomplete_for_variant_offers_only_own_products(
    client, staff_a, product_a, product_b
):
    assert autocomplete(client, "catalog", "productvariant", "product") == {product_a.pk}
    assert autocomplete(client, "catalog", "productvariant", "product", term="Bravo") == set()


@pytest.mark.parametrize(
    "viewname",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_merchant_changelist",
        "admin:accounts_merchant_add",
        "admin:auth_group_changelist",
        "admin:recommendations_interaction_changelist",
    ],
)
def test_merchant_staff_are_forbidden_user_and_merchant_admin(client, staff_a, viewname):
    assert client.get(reverse(viewname)).status_code == 403


def test_merchant_staff_cannot_edit_their_own_user(client, staff_a):
    url = reverse("admin:accounts_user_change", args=[staff_a.pk])

    response = client.post(url, {"email": staff_a.email, "is_superuser": "on", "is_staff": "on"})

    assert response.status_code == 403
    staff_a.refresh_from_db()
    assert not staff_a.is_superuser


def test_staff_without_a_merchant_see_no_products(client, product_a):
    staff = UserFactory(is_staff=True)
    grant_merchant_staff_permissions(staff)
    client.force_login(staff)

    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 403
    assert client.get(reverse("admin:catalog_product_add")).status_code == 403


def test_superuser_sees_every_merchants_products(admin_client, product_a, product_b):
    response = admin_client.get(reverse("admin:catalog_product_changelist"))

    assert set(response.context["cl"].result_list) == {product_a, product_b}
    assert (
        admin_client.get(reverse("admin:catalog_product_change", args=[product_b.pk])).status_code
        == 200
    )


def test_superuser_adds_a_user_by_email(admin_client, merchant_a):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.staff@alpha.example",
            "usable_password": "true",
            "password1": "plum-blossom-lantern-42",
            "password2": "plum-blossom-lantern-42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.staff@alpha.example")
    assert user.check_password("plum-blossom-lantern-42")


def line(order, product, sku):
    return OrderLine.objects.create(
        order=order,
        merchant=product.merchant,
        product=product,
        product_name=product.name,
        sku=sku,
        unit_price=Decimal("1.00"),
        quantity=1,
        line_total=Decimal("1.00"),
    )


def test_orders_show_only_those_with_own_lines_and_only_own_lines(
    client, staff_a, product_a, product_b
):
    shared = Order.objects.create(email="both@example.com")
    line(shared, product_a, "ALPHA-LINE")
    line(shared, product_a, "ALPHA-LINE-2")
    line(shared, product_b, "BRAVO-LINE")
    only_b = Order.objects.create(email="bravo@example.com")
    line(only_b, product_b, "BRAVO-ONLY")

    changelist = client.get(reverse("admin:orders_order_changelist"))
    page = client.get(reverse("admin:orders_order_change", args=[shared.pk]))
    other = client.get(reverse("admin:orders_order_change", args=[only_b.pk]))

    assert list(changelist.context["cl"].result_list) == [shared]
    html = page.content.decode()
    assert "ALPHA-LINE" in html
    assert "BRAVO-LINE" not in html
    assert other.status_code == 404


def test_granting_permissions_twice_is_harmless(merchant_a):
    staff = StaffFactory(merchant=merchant_a)

    grant_merchant_staff_permissions(staff)

    assert staff.groups.filter(name=MERCHANT_STAFF_GROUP).count() == 1
    assert staff.has_perm("catalog.change_product")
    assert not staff.has_perm("catalog.change_category")
    assert not staff.has_perm("accounts.change_user")


@pytest.mark.django_db
def test_migrate_keeps_the_merchant_staff_group_permissions_current():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.permissions import MERCHANT_STAFF_GROUP, merchant_staff_group_sync

    group = merchant_staff_group_sync()
    group.permissions.clear()

    call_command("migrate", verbosity=0)

    perms = set(
        Group.objects.get(name=MERCHANT_STAFF_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {"change_product", "view_order"} <= perms
