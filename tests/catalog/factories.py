from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from catalog.models import (
    Brand,
    Category,
    Product,
    ProductAttribute,
    ProductImage,
    ProductType,
    ProductVariant,
    Review,
)
from tests.accounts.factories import MerchantFactory, UserFactory


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_zh_hans = factory.Sequence(lambda n: f"类目 {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    category = factory.SubFactory(CategoryFactory)
    brand = factory.SubFactory(BrandFactory)
    name_en = factory.Sequence(lambda n: f"Product {n}")
    name_zh_hans = factory.Sequence(lambda n: f"商品 {n}")
    description_en = "A well made thing."
    description_zh_hans = "做工精良的好东西。"
    slug = factory.Sequence(lambda n: f"product-{n}")
    price = Decimal("99.00")


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    attributes = factory.LazyFunction(lambda: {"colour": "red", "size": "M"})
    price = Decimal("99.00")


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(width=64, height=64, color="teal")


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    user = factory.SubFactory(UserFactory)
    rating = 5
    title = "Great"
    body = "Would buy again."


def product_type(name: str = "T-shirt", *codes: str):
    """A product type with the attributes `codes` (default colour and size). The attributes are
    the migration's (catalog 0008), made again when a transactional test has flushed them."""
    from importlib import import_module

    standard = import_module("catalog.migrations.0011_standard_attributes").ATTRIBUTES
    wanted = codes or ("colour", "size")
    for position, (code, english, chinese, values) in enumerate(standard):
        if code in wanted:
            ProductAttribute.objects.get_or_create(
                code=code,
                defaults={
                    "name_en": english,
                    "name_zh_hans": chinese,
                    "values": "\n".join(values),
                    "position": position,
                },
            )
    kind = ProductType.objects.create(name_en=name, name_zh_hans=f"{name} 类")
    kind.attributes.set(ProductAttribute.objects.filter(code__in=wanted))
    return kind
