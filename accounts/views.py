from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from common.origin import local_path

from . import regions, selectors, services
from .backends import BACKEND
from .forms import AddressForm, LoginForm, ProfileForm, RegisterForm
from .models import Address


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _safe_next(request: HttpRequest) -> str:
    """Where to go after registering (`next`, as login honours it: from the checkout, back to
    it); empty unless it is a path of this site."""
    return local_path(request, request.POST.get("next") or request.GET.get("next") or "") or ""


def register(request: HttpRequest) -> HttpResponse:
    # A URL, never a view name: redirect("abc") would look "abc" up as one.
    next_url = _safe_next(request) or reverse("accounts:profile")
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data.get("first_name", ""),
            last_name=form.cleaned_data.get("last_name", ""),
        )
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome! Your account has been created."))
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/register.html", {"form": form, "next": _safe_next(request)})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(
            user=request.user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            phone=form.cleaned_data["phone"],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "section": "profile"})


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    addresses = selectors.address_list(user=request.user)
    return render(
        request, "accounts/address_list.html", {"addresses": addresses, "section": "addresses"}
    )


def _address_form(request: HttpRequest, address: Address | None) -> HttpResponse:
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_save(user=request.user, address=form.save(commit=False))
        messages.success(request, _("The address has been saved."))
        return redirect("accounts:addresses")
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "address": address, "section": "addresses"},
    )


@login_required
def address_create(request: HttpRequest) -> HttpResponse:
    return _address_form(request, None)


@login_required
def address_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _address_form(request, selectors.address_get(user=request.user, pk=pk))


@login_required
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_get(user=request.user, pk=pk)
    services.address_delete(user=request.user, address=address)
    messages.success(request, _("The address has been deleted."))
    return redirect("accounts:addresses")


@login_required
@require_POST
def address_make_default(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_get(user=request.user, pk=pk)
    services.address_make_default(user=request.user, address=address)
    messages.success(request, _("Default address changed."))
    return redirect("accounts:addresses")


# The region table changes with a new release of the division codes, i.e. with a deploy.
REGION_MAX_AGE = 60 * 60 * 24


@require_GET
@cache_control(public=True, max_age=REGION_MAX_AGE)
def region_children(request: HttpRequest, code: str) -> JsonResponse:
    """The cities of a province or the districts of a city, for the address form's pickers:
    {"regions": [{"code": ..., "name": ...}, ...]}; 404 with an error for an unknown code."""
    places = regions.children(code)
    if places is None:
        return JsonResponse(
            {"error": _("There is no province or city with this code.")}, status=404
        )
    return JsonResponse({"regions": [{"code": p.code, "name": p.name} for p in places]})
