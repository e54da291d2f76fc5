"""The demo's product types: one per leaf category (T-shirts, phone cases ...), named like it in
both languages, with the options its products' variants use (colour, size, capacity ...), so the
product editor in admin shows those options as named fields."""

from __future__ import annotations

from collections import defaultdict

from catalog.models import Category, Product, ProductAttribute, ProductType, ProductVariant


def demo_product_types(run) -> None:
    codes_by_category: dict[int, dict[str, None]] = defaultdict(dict)
    rows = ProductVariant.objects.filter(product_id__in=run.product_ids).values_list(
        "product__category_id", "attributes"
    )
    for category_id, attributes in rows.iterator():
        for code in attributes or {}:
            codes_by_category[category_id].setdefault(code)
    known = {attribute.code: attribute for attribute in ProductAttribute.objects.all()}
    for code in {code for codes in codes_by_category.values() for code in codes}:
        if code not in known:
            label = code.replace("_", " ").capitalize()
            known[code], _created = ProductAttribute.objects.get_or_create(
                code=code, defaults={"name": label, "name_en": label, "name_zh_hans": label}
            )
    made = 0
    categories = Product.objects.filter(pk__in=run.product_ids).values("category_id")
    for category in Category.objects.filter(pk__in=categories).order_by("pk"):
        kind, created = ProductType.objects.get_or_create(
            name_en=category.name_en,
            defaults={"name": category.name_en, "name_zh_hans": category.name_zh_hans},
        )
        made += created
        # Books and the like have no options: a type without attributes.
        kind.attributes.add(*(known[code] for code in codes_by_category.get(category.pk, ())))
        Product.objects.filter(category=category, pk__in=run.product_ids).update(product_type=kind)
    run.count("product types", made)
