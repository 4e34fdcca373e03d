"""Logging in: password, then a second factor from django-otp (an authenticator app, or a backup code).

Failed passwords and failed codes are counted by django-axes (core/throttling.py) against the
normalised identity and the client address; each device of django-otp also doubles its own wait
after every wrong code, and a TOTP code is accepted once only (django-otp's `last_t`). A correct
password clears neither count: the password step only leads to the code page.
"""

from __future__ import annotations

import datetime as dt
import time
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login as to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from . import selectors, services, throttling
from .forms import StyledForm
from .models import Person

PENDING_KEY = "klynge_two_factor_person"
NEXT_KEY = "klynge_two_factor_next"
SETUP_KEY = "klynge_totp_pending"
NEW_CODES_KEY = "klynge_new_backup_codes"
# Set when the login itself was strong (MitID Erhverv through OpenID Connect).
STRONG_LOGIN_KEY = "klynge_strong_login"


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "E-mail eller adgangskode er forkert. Prøv igen.",
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Circular: oidc imports this module's session keys.
        from . import oidc

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


class CodeForm(StyledForm):
    code = forms.CharField(
        label="Kode fra din app eller en backupkode",
        max_length=16,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def pending_person(request) -> Person | None:
    """Who gave a correct password in this session and has yet to give the second factor."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    return selectors.active_person_get(pending["id"])


def two_factor_login(request):
    person = pending_person(request)
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
        elif device := services.second_factor_verify(person=person, code=form.cleaned_data["code"]):
            next_url = request.session.pop(NEXT_KEY, None) or reverse("core:home")
            del request.session[PENDING_KEY]
            login(request, person, backend=pending["backend"])
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.backup_codes_left(person)
                messages.warning(
                    request,
                    f"Du har brugt en backupkode; der er {left} tilbage. Lav nye under »Min profil«, når du har din telefon.",
                )
            return redirect(next_url)
        else:
            throttling.second_factor_failed(request, identity)
            if throttling.is_locked_out(request, identity):
                form.add_error("code", throttling.lockout_message())
                status = 429
            elif wait := selectors.throttle_wait_seconds(person):
                form.add_error("code", f"Koden passer ikke. Vent {wait} sekunder, før du prøver igen.")
            else:
                form.add_error(
                    "code", "Koden passer ikke. Brug den kode, din app viser nu, eller en backupkode."
                )
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
    has_app = selectors.app_devices_of(person).exists()
    if has_passkey and not has_app:
        form.fields["code"].label = "Backupkode"
    return {
        "form": form,
        "has_passkey": has_passkey,
        "has_app": has_app,
        "passkey_config": passkey_browser_config(request) if has_passkey else None,
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
        if services.app_device_confirm(device=device, code=form.cleaned_data["code"]):
            device.refresh_from_db()
            del request.session[SETUP_KEY]
            django_otp.login(request, device)
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
            "passkey_config": passkey_browser_config(request),
        },
        status=400 if form.errors else 200,
    )


def passkey_browser_config(request) -> dict:
    # Circular: passkeys builds on this module's login steps.
    from .passkeys import browser_config

    return browser_config(request)


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
    services.second_factors_remove(person=request.user)
    messages.success(request, "Totrinsbekræftelse er slået fra.")
    return redirect("core:profile")


SESSION_RENEWED = "klynge_session_renewed"


class SlidingSessionMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE without use. Saving the session on every request would
    cost a database write per page, so it is renewed only once less than half of its age is left."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and BACKEND_SESSION_KEY in session:
            now = time.time()
            renewed = session.get(SESSION_RENEWED)
            if renewed is None or now - renewed > settings.SESSION_COOKIE_AGE / 2:
                session[SESSION_RENEWED] = now
        return self.get_response(request)


TWO_FACTOR_CHECKED = "klynge_two_factor_checked"
TWO_FACTOR_RECHECK = dt.timedelta(minutes=5)


class TwoFactorRequiredMiddleware:
    """A logged-in session that has not passed a second factor gets no page, when it should have:

    - the person has a device, but the session was opened without it (any way in but our code page,
      e.g. an old session, or a login form that knows nothing of two-factor): logged out, back to login;
    - the person must use two-factor (board of a cluster that requires it, or staff) and has no device
      yet: sent to the set-up page.

    A "nothing needed" answer is remembered in the session for a few minutes, to spare a query a page.
    """

    ALLOWED_PREFIXES = ("/profil/totrin/", "/log-ud/", "/static/", "/sprog/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and BACKEND_SESSION_KEY in request.session
            and not user.is_verified()
            and not request.session.get(STRONG_LOGIN_KEY)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            verdict = self._verdict(request, user)
            if verdict == "login":
                logout(request)
                return redirect_to_login(request)
            if verdict == "setup":
                return redirect("two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _verdict(request, user) -> str:
        checked = request.session.get(TWO_FACTOR_CHECKED)
        now = timezone.now()
        if checked and now - dt.datetime.fromisoformat(checked) < TWO_FACTOR_RECHECK:
            return "ok"
        if selectors.has_second_factor(user):
            return "login"
        if selectors.two_factor_required(user):
            request.session.pop(TWO_FACTOR_CHECKED, None)
            return "setup"
        request.session[TWO_FACTOR_CHECKED] = now.isoformat()
        return "ok"


def redirect_to_login(request):
    path = request.get_full_path()
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        path = "/"
    return to_login(path)
