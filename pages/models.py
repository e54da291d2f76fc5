"""The shop's own pages (about, customer service, shipping, returns, privacy, terms): a title and
a body in each language (modeltranslation, pages/translation.py), edited by operators in admin.

The body is plain text with a little structure (pages/markup.py), never HTML, so what an operator
types cannot put markup or script on the storefront."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Page(TimeStampedModel):
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        help_text=_("The page's address: /pages/<address>/ (and /zh-hans/pages/<address>/)."),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. A blank line starts a new paragraph; a line starting with “## ” is a "
            "heading and lines starting with “- ” make a list. Web and email addresses become "
            "links. HTML is shown as typed, never run."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position in the footer"), default=0, help_text=_("Lower comes first.")
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished pages answer “not found”.")
    )

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("shop page")
        verbose_name_plural = _("shop pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pages:detail", args=[self.slug])
