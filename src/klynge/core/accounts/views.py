"""The login steps (password, then a code or a passkey) and the pages that set up a second factor."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from .. import oidc, throttling
from ..models import Person
from . import NEW_CODES_KEY, NEXT_KEY, PENDING_KEY, SETUP_KEY, passkeys, selectors, services
from .forms import CodeForm, LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "broker_enabled": oidc.enabled(),
            "broker_name": settings.OIDC_PROVIDER_NAME,
        }

    def form_valid(self, form):
        person = form.get_user()
        if selectors.has_second_factor(person):
            # Not logged in yet: the session only remembers who gave a correct password.
            self.request.session.cycle_key()
            self.request.session[PENDING_KEY] = {"id": person.pk, "backend": person.backend}
            self.request.session[NEXT_KEY] = self.get_success_url()
            return redirect("two_factor_login")
        return super().form_valid(form)


def _wrong_code(request, person: Person, identity: str, form) -> int:
    """Counts a wrong code and says why it failed and what to do; the status of the answer."""
    throttling.second_factor_failed(request, identity)
    if throttling.is_locked_out(request, identity):
        form.add_error("code", throttling.lockout_message())
        return 429
    if wait := selectors.throttle_wait_seconds(person):
        form.add_error("code", f"Koden passer ikke. Vent {wait} sekunder, før du prøver igen.")
    else:
        form.add_error("code", "Koden passer ikke. Brug den kode, din app viser nu, eller en backupkode.")
    return 400


def two_factor_login(request):
    person = selectors.pending_person(request)
    if person is None:
        return redirect("login")
    pending = request.session[PENDING_KEY]
    identity = throttling.normalise_identity(person.email)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttling.is_locked_out(request, identity):
            form.add_error("code", throttling.lockout_message())
            status = 429
        elif device := services.verify_second_factor(person, form.cleaned_data["code"]):
            next_url = request.session.pop(NEXT_KEY, None) or reverse("core:home")
            del request.session[PENDING_KEY]
            login(request, person, backend=pending["backend"])
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.backup_codes_left_on(device)
                messages.warning(
                    request,
                    f"Du har brugt en backupkode; der er {left} tilbage. Lav nye under »Min profil«, når du har din telefon.",
                )
            return redirect(next_url)
        else:
            status = _wrong_code(request, person, identity, form)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "registration/two_factor_login.html",
        second_factor_context(request, person, form),
        status=status,
    )


def second_factor_context(request, person: Person, form) -> dict:
    """What the code page offers: the passkey button when the person has a passkey, and the code form."""
    has_passkey = selectors.passkeys_of(person).exists()
    has_app = selectors.has_app(person)
    if has_passkey and not has_app:
        form.fields["code"].label = "Backupkode"
    return {
        "form": form,
        "has_passkey": has_passkey,
        "has_app": has_app,
        "passkey_config": passkeys.browser_config(request) if has_passkey else None,
    }


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def two_factor_setup(request):
    person = request.user
    if selectors.has_second_factor(person) and not person.is_verified():
        # Only a session that passed a second factor may add another one.
        logout(request)
        return redirect("login")
    device = services.app_device_pending(person=person, device_id=request.session.get(SETUP_KEY))
    request.session[SETUP_KEY] = device.pk
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.app_device_confirm(device=device, code=form.cleaned_data["code"])
        if confirmed:
            del request.session[SETUP_KEY]
            django_otp.login(request, confirmed)
            if not selectors.has_backup_codes(person):
                request.session[NEW_CODES_KEY] = services.backup_codes_create(person=person)
            messages.success(request, "Totrinsbekræftelse er slået til. Næste gang beder Klynge om en kode.")
            return redirect("two_factor_backup_codes")
        form.add_error("code", "Koden passer ikke. Tjek at telefonens ur går rigtigt, og prøv igen.")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": b32encode(device.bin_key).decode(),
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - SVG made by qrcode from our URI
            "required": selectors.two_factor_required(person),
            "passkey_config": passkeys.browser_config(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_backup_codes(request):
    """Shows newly made backup codes once; a POST makes a new set (only from a verified session)."""
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect("two_factor_setup")
        request.session[NEW_CODES_KEY] = services.backup_codes_create(person=request.user)
        return redirect("two_factor_backup_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    left = selectors.backup_codes_left(request.user)
    return render(request, "registration/two_factor_backup_codes.html", {"codes": codes, "left": left})


@require_POST
@login_required
def two_factor_disable(request):
    """Removes every second factor; only from a session verified by one, and never when it is required."""
    if not request.user.is_verified() or selectors.two_factor_required(request.user):
        messages.error(request, "Totrinsbekræftelse kan ikke slås fra her.")
        return redirect("core:profile")
    services.second_factors_delete(person=request.user)
    messages.success(request, "Totrinsbekræftelse er slået fra.")
    return redirect("core:profile")
