"""Forms of the recommender's admin pages."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import Merchant

from .als.importfile import KINDS, guess_format
from .models import InteractionKind

# Larger files go through manage.py import_interactions (the admin imports while it answers).
ADMIN_IMPORT_MAX_BYTES = 20 * 1024 * 1024


class InteractionImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV with a header line, or JSON lines. See docs/recommendations-import.md."),
    )
    format = forms.ChoiceField(
        label=_("format"),
        choices=[("", _("From the file name")), ("csv", "CSV"), ("jsonl", _("JSON lines"))],
        required=False,
    )
    source = forms.CharField(
        label=_("source"),
        max_length=40,
        initial="import",
        help_text=_("The platform the external ids come from, e.g. the old shop's name."),
    )
    default_kind = forms.ChoiceField(
        label=_("kind of rows without one"),
        choices=[("", "-")] + [(k, InteractionKind(k).label) for k in KINDS],
        required=False,
    )
    create_shoppers = forms.BooleanField(
        label=_("create missing shoppers (inactive, no password)"), required=False
    )
    create_products = forms.BooleanField(
        label=_("create missing products (inactive)"), required=False
    )
    merchant = forms.ModelChoiceField(
        label=_("merchant of created products"),
        queryset=Merchant.objects.all(),
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("dry run (check and count, write nothing)"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ADMIN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(size)s: import it with "
                    "manage.py import_interactions instead."
                )
                % {"size": filesizeformat(ADMIN_IMPORT_MAX_BYTES)}
            )
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and not data.get("format"):
            fmt = guess_format(upload.name)
            if fmt is None:
                self.add_error(
                    "format", _("Cannot tell the format from the file name: choose one.")
                )
            data["format"] = fmt
        if data.get("create_products") and data.get("merchant") is None:
            self.add_error("merchant", _("Choose the merchant that sells the created products."))
        return data
