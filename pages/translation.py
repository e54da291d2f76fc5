"""Bilingual fields (English and Simplified Chinese) through django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import Page


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en", "zh-hans")
