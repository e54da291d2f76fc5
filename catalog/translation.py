"""Bilingual fields (English and Simplified Chinese) through django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Product, ProductAttribute, ProductType


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ProductType)
class ProductTypeTranslation(TranslationOptions):
    fields = ("name",)


@register(ProductAttribute)
class ProductAttributeTranslation(TranslationOptions):
    fields = ("name",)
