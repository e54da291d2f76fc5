from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel

from . import regions


class Merchant(TimeStampedModel):
    """A seller in the shop. Staff users that belong to a merchant see only its products and
    orders in admin; superusers see every merchant's."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A shopper, a merchant's staff member, or an operator. Signs in with an email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(regions.MOBILE_RE, _("Enter an 11-digit mobile number."))],
    )
    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Staff of a merchant see and edit only that merchant's catalog in admin."),
    )
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@", 1)[0]


class Address(TimeStampedModel):
    """A shipping address in mainland-China form: province / city / district, street, recipient,
    11-digit mobile number and 6-digit postal code."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user")
    )
    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("mobile number"), max_length=11)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40)
    # The district's code in the national division table (regions.py), set by the address form.
    region_code = models.CharField(_("district code"), max_length=6, blank=True)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        ordering = ["-is_default", "-created_at", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}, {self.province}{self.city}{self.district}{self.street}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:address_edit", args=[self.pk])

    @property
    def one_line(self) -> str:
        return f"{self.province} {self.city} {self.district} {self.street}"
