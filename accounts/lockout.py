"""Brute-force protection of the storefront and admin logins (django-axes).

Failed logins are counted per account and address together (AXES_FAILURE_LIMIT: someone guessing
one shopper's password), and per address over all accounts (LOGIN_IP_FAILURE_LIMIT, higher, as
many shoppers can share one address behind a carrier's NAT: someone trying one password on many
accounts). Either limit reached locks that login out for AXES_COOLOFF_TIME; the page then says so
in the shop's style (or the admin's), as an error on the login form. Ops lift a lockout early
with `manage.py axes_reset`, `axes_reset_username <email>` or `axes_reset_ip <address>`.
"""

from __future__ import annotations

import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .forms import LoginForm

# What a locked-out login answers with: "Too Many Requests".
LOCKED_OUT_STATUS = 429
# The length of the username column of axes' records (whatever was typed is stored there).
USERNAME_MAX_LENGTH = 255


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login names, as the login form reads it (emails are case-insensitive), so
    "Mei@Example.com" and "mei@example.com" count as one account; cut to the length axes stores
    (a longer one is no account's, and PostgreSQL would refuse to store it)."""
    credentials = credentials or {}
    # Login forms post "username"; authenticate(email=...) is the model's USERNAME_FIELD.
    username = credentials.get("username") or credentials.get("email")
    if username is None and request is not None and hasattr(request, "POST"):
        username = request.POST.get("username")
    if not isinstance(username, str):
        return username
    return username.strip().lower()[:USERNAME_MAX_LENGTH]


def client_ip(request: HttpRequest) -> str:
    """The connecting address, never a forwarded header a client could write itself (or every
    guess could come from a new "address")."""
    return request.META.get("REMOTE_ADDR", "")


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit for one address over all accounts.

    AXES_LOCKOUT_PARAMETERS lists the account-and-address combination first and the address
    alone second. Axes compares one number with one limit, so the address's failures are shifted
    to reach AXES_FAILURE_LIMIT exactly when they reach LOGIN_IP_FAILURE_LIMIT."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        slack = settings.LOGIN_IP_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT
        return max(by_account, by_address - slack)


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return ngettext(
        "Too many failed attempts to log in. For your security, logging in is paused for "
        "%(minutes)d minute. Please try again later.",
        "Too many failed attempts to log in. For your security, logging in is paused for "
        "%(minutes)d minutes. Please try again later.",
        minutes,
    ) % {"minutes": minutes}


def _form_with_error(form_class, request: HttpRequest, message: str):
    """The posted login form showing `message` as its error, without validating it again (that
    would try the password once more)."""
    form = form_class(request, data=request.POST)
    form.cleaned_data = {}
    form._errors = ErrorDict({"__all__": form.error_class([message], error_class="nonfield")})
    return form


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The login page again, its form saying that logging in is paused (AXES_LOCKOUT_CALLABLE):
    the admin's login for the admin, the shop's for the storefront."""
    message = lockout_message()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.path.startswith(reverse("admin:index")):
        from django.contrib.admin.forms import AdminAuthenticationForm

        context = {
            **admin.site.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "form": _form_with_error(AdminAuthenticationForm, request, message),
            "next": next_url,
        }
        return render(request, "admin/login.html", context, status=LOCKED_OUT_STATUS)
    context = {"form": _form_with_error(LoginForm, request, message), "next": next_url}
    return render(request, "accounts/login.html", context, status=LOCKED_OUT_STATUS)
