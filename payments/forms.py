"""The refund form in admin: an amount or units of the order's lines, a reason, and whether the
units come back to stock. The form checks what it can see; refunds.refund_create decides."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.money import money_format

from .refunds import RefundLineRequest

ZERO = Decimal("0.00")


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty to refund the value of the units chosen below."),
        error_messages={"invalid": _("Enter the amount as a number of yuan, e.g. 25.00.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Sent to Alipay with the refund and kept in the order's history."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    restock = forms.BooleanField(
        label=_("Return the chosen units to stock"),
        required=False,
        help_text=_("Only for shipped units that came back in sellable condition."),
    )

    def __init__(self, *args, lines, remaining: Decimal, already: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.remaining = remaining
        self.line_rows = []
        for line in lines:
            left = line.quantity - already.get(line.pk, 0)
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.sku} {line.product_name}",
                required=False,
                min_value=0,
                max_value=max(left, 0),
                widget=forms.NumberInput(attrs={"size": 4, "min": 0, "max": max(left, 0)}),
            )
            self.line_rows.append({"line": line, "field": self[name], "left": left})

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is None:
            return None
        if amount <= ZERO:
            raise forms.ValidationError(_("The amount to refund must be more than zero."))
        if amount > self.remaining:
            raise forms.ValidationError(
                _("At most %(remaining)s can still be refunded.")
                % {"remaining": money_format(self.remaining)}
            )
        return amount

    def refund_lines(self) -> list[RefundLineRequest]:
        return [
            RefundLineRequest(row["line"].pk, self.cleaned_data.get(f"line_{row['line'].pk}") or 0)
            for row in self.line_rows
            if self.cleaned_data.get(f"line_{row['line'].pk}")
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # Next to the field the person has to fill in, not only at the top of the form.
        if cleaned.get("amount") is None and not self.refund_lines():
            self.add_error("amount", _("Enter an amount or the units to refund."))
        if cleaned.get("restock") and not self.refund_lines():
            self.add_error("restock", _("Choose the units that come back to stock."))
        return cleaned


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Kept with the review; a rejection also goes into the order's history."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
