"""The product editor's variant options: one field per attribute of the product's type, stored
as the same JSON ({"colour": "grey", "size": "M"}); unknown values and options, and two variants
with the same options, are form errors."""

import pytest
from django.urls import reverse

from catalog.models import Product, ProductAttribute, ProductVariant
from tests.accounts.factories import StaffFactory
from tests.accounts.test_admin_scoping import admin_form_data
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory, product_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    staff = StaffFactory()
    client.force_login(staff)
    return staff


def row(index: int, sku: str, **options: str) -> dict:
    data = {"sku": sku, "price": "99.00", "weight_grams": "500", "position": str(index)}
    data.update({f"option_{code}": value for code, value in options.items()})
    data["is_active"] = "on"
    return {f"variants-{index}-{name}": value for name, value in data.items()}


def add_product(client, kind, *rows: dict):
    add_url = reverse("admin:catalog_product_add") + f"?product_type={kind.pk}"
    page = client.get(add_url)
    merged = {}
    for one in rows:
        merged.update(one)
    data = admin_form_data(
        page,
        name_en="Linen Shirt",
        name_zh_hans="亚麻衬衫",
        slug="linen-shirt",
        category=CategoryFactory().pk,
        product_type=kind.pk,
        **{"variants-TOTAL_FORMS": str(len(rows))},
        **merged,
    )
    return page, client.post(add_url, data)


def test_the_add_page_shows_a_field_per_option_of_the_chosen_type(client, staff):
    kind = product_type("Shirt", "colour", "size")

    page = client.get(reverse("admin:catalog_product_add") + f"?product_type={kind.pk}")

    form = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert "attributes" not in form.fields
    assert [form.fields[name].label for name in ("option_colour", "option_size")] == [
        "Colour",
        "Size",
    ]
    colours = dict(form.fields["option_colour"].choices)
    assert colours["grey"] == "Grey" and "plaid" not in colours
    assert 'name="variants-0-option_colour"' in page.content.decode()


def test_variants_are_saved_with_their_options_as_json(client, staff):
    kind = product_type("Shirt", "colour", "size")

    _page, response = add_product(
        client,
        kind,
        row(0, "SH-GREY-M", colour="grey", size="M"),
        row(1, "SH-GREY-L", colour="grey", size="L"),
        row(2, "SH-NAVY-M", colour="navy", size="M"),
    )

    assert response.status_code == 302, response.context["errors"]
    product = Product.objects.get(slug="linen-shirt")
    assert product.product_type == kind
    assert product.merchant == staff.merchant
    assert {v.sku: v.attributes for v in product.variants.all()} == {
        "SH-GREY-M": {"colour": "grey", "size": "M"},
        "SH-GREY-L": {"colour": "grey", "size": "L"},
        "SH-NAVY-M": {"colour": "navy", "size": "M"},
    }


def test_a_value_outside_the_attributes_list_is_a_form_error(client, staff):
    kind = product_type("Shirt", "colour", "size")

    _page, response = add_product(client, kind, row(0, "SH-1", colour="plaid", size="M"))

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "option_colour" in errors
    assert not Product.objects.filter(slug="linen-shirt").exists()


def test_an_option_of_the_type_is_required(client, staff):
    kind = product_type("Shirt", "colour", "size")

    _page, response = add_product(client, kind, row(0, "SH-1", colour="grey"))

    assert response.status_code == 200
    assert "option_size" in response.context["inline_admin_formsets"][0].formset.errors[0]


def test_two_variants_with_the_same_options_are_a_form_error(client, staff):
    kind = product_type("Shirt", "colour", "size")

    _page, response = add_product(
        client,
        kind,
        row(0, "SH-1", colour="grey", size="M"),
        row(1, "SH-2", colour="grey", size="M"),
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert "Two variants have the same options (Grey / M)" in errors[0]
    assert not ProductVariant.objects.filter(sku__in=["SH-1", "SH-2"]).exists()


def test_an_option_the_type_does_not_have_must_be_cleared(client, staff):
    kind = product_type("Shirt", "colour", "size")
    product = ProductFactory(merchant=staff.merchant, product_type=kind)
    variant = VariantFactory(
        product=product, attributes={"colour": "grey", "size": "M", "flavour": "jasmine"}
    )
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = client.get(url)

    kept = client.post(url, admin_form_data(page))
    cleared = client.post(url, admin_form_data(page, **{"variants-0-option_flavour": ""}))

    assert kept.status_code == 200
    assert "option_flavour" in kept.context["inline_admin_formsets"][0].formset.errors[0]
    assert cleared.status_code == 302
    variant.refresh_from_db()
    assert variant.attributes == {"colour": "grey", "size": "M"}


def test_a_product_without_a_type_keeps_its_variants_options(client, staff):
    product = ProductFactory(merchant=staff.merchant)
    variant = VariantFactory(product=product, attributes={"colour": "red", "size": "M"})
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = client.get(url)

    response = client.post(url, admin_form_data(page, **{"variants-0-option_size": "L"}))

    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.attributes == {"colour": "red", "size": "L"}


def test_a_product_without_a_type_keeps_options_no_attribute_describes(client, staff):
    ProductAttribute.objects.filter(code__in=["colour", "flavour"]).delete()
    product = ProductFactory(merchant=staff.merchant)
    variant = VariantFactory(product=product, attributes={"colour": "brass", "flavour": "plain"})
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = client.get(url)

    response = client.post(url, admin_form_data(page, **{"variants-0-option_flavour": "smoky"}))

    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.attributes == {"colour": "brass", "flavour": "smoky"}


def test_a_stored_value_no_longer_allowed_is_shown_and_refused(client, staff):
    colour = ProductAttribute.objects.get(code="colour")
    product = ProductFactory(merchant=staff.merchant, product_type=product_type("Mug", "colour"))
    VariantFactory(product=product, attributes={"colour": "charcoal"})
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = client.get(url)

    response = client.post(url, admin_form_data(page))

    assert page.context["inline_admin_formsets"][0].formset.forms[0]["option_colour"].value() == (
        "charcoal"
    )
    assert response.status_code == 200
    error = response.context["inline_admin_formsets"][0].formset.errors[0]["option_colour"][0]
    assert error == f"“charcoal” is not one of the values of {colour.name}."


def test_the_variant_page_refuses_the_options_of_another_variant(client, staff):
    product = ProductFactory(merchant=staff.merchant, product_type=product_type("Shirt"))
    VariantFactory(product=product, attributes={"colour": "grey", "size": "M"})
    other = VariantFactory(product=product, attributes={"colour": "grey", "size": "L"})
    url = reverse("admin:catalog_productvariant_change", args=[other.pk])
    page = client.get(url)

    response = client.post(url, admin_form_data(page, option_size="M"))

    assert response.status_code == 200
    assert "already has the options Grey / M" in str(response.context["errors"])
    other.refresh_from_db()
    assert other.attributes == {"colour": "grey", "size": "L"}


def test_the_variant_page_saves_changed_options(client, staff):
    product = ProductFactory(merchant=staff.merchant, product_type=product_type("Shirt"))
    variant = VariantFactory(product=product, attributes={"colour": "grey", "size": "M"})
    url = reverse("admin:catalog_productvariant_change", args=[variant.pk])

    response = client.post(url, admin_form_data(client.get(url), option_colour="navy"))

    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.attributes == {"colour": "navy", "size": "M"}


def test_another_merchants_product_type_choice_does_not_reveal_their_variants(client, staff):
    """Scoping holds: the options of a product of another merchant are not reachable."""
    other = VariantFactory(attributes={"colour": "red", "size": "S"})
    url = reverse("admin:catalog_product_change", args=[other.product.pk])

    assert client.get(url).status_code in (302, 404)
