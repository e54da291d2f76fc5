"""Delivery methods and what they cost and take: zones (groups of provinces), rate rows by zone and
weight band (shop-wide or one merchant's), and the shop's non-working days. Quoting from these
is logistics.quoting (no Django), fed by logistics.selectors.delivery_options."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import regions
from common.models import MONEY, TimeStampedModel
from common.money import money_format

from ..quoting import Speed, parse_slots

DEFAULT_SLOTS = "09:00-12:00, 12:00-15:00, 15:00-18:00, 18:00-21:00"


class MethodKind(models.TextChoices):
    PARCEL = "parcel", _("parcel (carrier)")
    LOCAL = "local", _("local delivery (our vans)")


class ShippingMethod(TimeStampedModel):
    """How an order travels: by a carrier's parcel network, or (local) in the shop's own vans to
    addresses within `local_radius_km` of a warehouse that holds the whole order, in a slot the
    shopper picks. What it costs: its rate rows (ShippingRate); how long it takes: its speed."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MethodKind.choices, default=MethodKind.PARCEL
    )
    carrier = models.ForeignKey(
        "logistics.Carrier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="methods",
        verbose_name=_("carrier"),
    )
    base_days = models.PositiveSmallIntegerField(
        _("transit days"),
        default=2,
        help_text=_("Days on the way for addresses up to the distance below (0: the same day)."),
    )
    base_km = models.PositiveIntegerField(_("within (km)"), default=500)
    km_per_extra_day = models.PositiveIntegerField(
        _("km per extra day"),
        default=800,
        help_text=_("One more day on the way for every this many km (or part) beyond."),
    )
    local_radius_km = models.PositiveIntegerField(
        _("local radius (km)"),
        default=30,
        help_text=_("Local delivery: addresses up to this far from the warehouse."),
    )
    delivery_slots = models.CharField(
        _("delivery slots"),
        max_length=200,
        blank=True,
        default=DEFAULT_SLOTS,
        help_text=_("Local delivery: the slots offered, e.g. 09:00-12:00, 12:00-15:00."),
    )
    slot_lead_minutes = models.PositiveIntegerField(
        _("slot lead time (minutes)"),
        default=120,
        help_text=_("Local delivery: a slot is offered only this long before it starts."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        return self.kind == MethodKind.LOCAL

    @property
    def speed(self) -> Speed:
        return Speed(self.base_days, float(self.base_km), float(self.km_per_extra_day))

    def clean(self) -> None:
        try:
            slots = parse_slots(self.delivery_slots)
        except ValueError:
            raise ValidationError(
                {"delivery_slots": _("Write slots as HH:MM-HH:MM, separated by commas.")}
            ) from None
        if self.is_local and not slots:
            raise ValidationError({"delivery_slots": _("Local delivery needs at least one slot.")})


class ShippingZone(TimeStampedModel):
    """A group of provinces priced alike (e.g. East China), by province code ("330000")."""

    name = models.CharField(_("name"), max_length=80)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    extra_days = models.PositiveSmallIntegerField(
        _("extra transit days"),
        default=0,
        help_text=_("Added to every method's transit time (remote regions)."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("shipping zone")
        verbose_name_plural = _("shipping zones")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        codes = self.provinces if isinstance(self.provinces, list) else None
        if codes is None or any(regions.province(str(code)) is None for code in codes):
            raise ValidationError(
                {"provinces": _('List province codes, e.g. ["310000", "330000"].')}
            )

    @property
    def province_names(self) -> str:
        return "、".join(
            region.name for code in self.provinces if (region := regions.province(str(code)))
        )


class ShippingRate(models.Model):
    """One weight band of a method's price in a zone (or anywhere, zone empty), shop-wide or one
    merchant's (merchant empty: shop-wide). The band holds parcels up to `max_weight_grams`;
    above a method's last band each started kg costs `per_kg_above` more. `free_above` makes the
    parcel free when the goods reach it (a merchant's own goods for a merchant's row, the whole
    order's for a shop-wide row)."""

    method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="rates", verbose_name=_("method")
    )
    zone = models.ForeignKey(
        ShippingZone,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rates",
        verbose_name=_("zone"),
        help_text=_("Leave empty for every address no zone of this method covers."),
    )
    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shipping_rates",
        verbose_name=_("merchant"),
        help_text=_("Leave empty for the shop-wide rate."),
    )
    max_weight_grams = models.PositiveIntegerField(
        _("up to (g)"), validators=[MinValueValidator(1)]
    )
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(0)])
    per_kg_above = models.DecimalField(
        _("per extra kg"),
        default=0,
        **MONEY,
        validators=[MinValueValidator(0)],
        help_text=_("Above the last band: added for every started kg."),
    )
    free_above = models.DecimalField(
        _("free for goods from"),
        null=True,
        blank=True,
        **MONEY,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["method", "merchant", "zone", "max_weight_grams"]
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")

    def __str__(self) -> str:
        price = money_format(self.price)
        return f"{self.method} · {self.zone or '*'} · ≤{self.max_weight_grams} g: {price}"


class NonWorkingDay(models.Model):
    """A day no parcel leaves a warehouse or arrives (a public holiday)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["date"]
        verbose_name = _("non-working day")
        verbose_name_plural = _("non-working days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
