"""Bilingual fields (English and Simplified Chinese) through django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import ShippingMethod


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name", "description")
