"""Bilingual fields (English and Simplified Chinese) through django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import NonWorkingDay, ShippingMethod, ShippingZone


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ShippingZone)
class ShippingZoneTranslation(TranslationOptions):
    fields = ("name",)


@register(NonWorkingDay)
class NonWorkingDayTranslation(TranslationOptions):
    fields = ("name",)
