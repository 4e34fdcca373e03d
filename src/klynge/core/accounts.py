"""Logging in: throttling of failed attempts, and optional TOTP two-factor login."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .forms import StyledForm
from .models import BOARD_ROLES, LoginFailure, Person, RoleAssignment

MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30
LOCKOUT = dt.timedelta(minutes=15)
PENDING_KEY = "klynge_two_factor_person"


def client_address(request) -> str | None:
    if settings.SECURE_PROXY_SSL_HEADER and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def is_locked_out(*, email: str, ip_address: str | None, now: dt.datetime | None = None) -> bool:
    since = (now or timezone.now()) - LOCKOUT
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(email=email.lower()).count() >= MAX_FAILURES_PER_EMAIL:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= MAX_FAILURES_PER_ADDRESS


@transaction.atomic
def login_failure_record(*, email: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], ip_address=ip_address)
    LoginFailure.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


@transaction.atomic
def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "E-mail eller adgangskode er forkert. Prøv igen.",
        "locked_out": (
            "For mange forkerte forsøg. Vent 15 minutter, eller vælg »Glemt adgangskode?« for at få et nyt link."
        ),
    }

    def clean(self):
        email = (self.data.get("username") or "").strip().lower()
        address = client_address(self.request) if self.request else None
        if is_locked_out(email=email, ip_address=address):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(email=email, ip_address=address)
            raise
        login_failures_clear(email=email)
        return cleaned


def two_factor_required(person: Person) -> bool:
    """Required for platform staff when the platform says so, and for board roles where the cluster does."""
    if person.is_staff and settings.REQUIRE_TWO_FACTOR_FOR_STAFF:
        return True
    return (
        RoleAssignment.objects.current()
        .filter(person=person, role__in=BOARD_ROLES, cluster__require_two_factor_for_board=True)
        .exists()
    )


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        person = form.get_user()
        if person.totp_enabled:
            self.request.session[PENDING_KEY] = {"id": person.pk, "backend": person.backend}
            self.request.session["klynge_two_factor_next"] = self.get_success_url()
            return redirect("two_factor_login")
        return super().form_valid(form)


class CodeForm(StyledForm):
    code = forms.CharField(
        label="Kode fra din app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _code_is_valid(secret: str, code: str) -> bool:
    return bool(secret) and pyotp.TOTP(secret).verify(code.strip(), valid_window=1)


def two_factor_login(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("login")
    person = Person.objects.filter(pk=pending["id"], is_active=True).first()
    if person is None:
        return redirect("login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    address = client_address(request)
    if request.method == "POST" and form.is_valid():
        if is_locked_out(email=person.email, ip_address=address):
            form.add_error("code", ThrottledAuthenticationForm.error_messages["locked_out"])
        elif _code_is_valid(person.totp_secret, form.cleaned_data["code"]):
            next_url = request.session.pop("klynge_two_factor_next", None) or reverse("core:home")
            del request.session[PENDING_KEY]
            person.backend = pending["backend"]
            login(request, person, backend=pending["backend"])
            login_failures_clear(email=person.email)
            return redirect(next_url)
        else:
            login_failure_record(email=person.email, ip_address=address)
            form.add_error("code", "Koden passer ikke. Brug den kode, din app viser nu.")
    return render(
        request, "registration/two_factor_login.html", {"form": form}, status=400 if form.errors else 200
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def two_factor_setup(request):
    person = request.user
    secret = request.session.get("klynge_totp_pending") or pyotp.random_base32()
    request.session["klynge_totp_pending"] = secret
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _code_is_valid(secret, form.cleaned_data["code"]):
            person.totp_secret = secret
            person.totp_enabled = True
            person.save(update_fields=["totp_secret", "totp_enabled"])
            del request.session["klynge_totp_pending"]
            messages.success(request, "Totrinsbekræftelse er slået til. Næste gang beder Klynge om en kode.")
            return redirect("core:profile")
        form.add_error("code", "Koden passer ikke. Tjek at telefonens ur går rigtigt, og prøv igen.")
    uri = pyotp.TOTP(secret).provisioning_uri(name=person.email, issuer_name="Klynge")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": mark_safe(_qr_svg(uri)),
            "required": two_factor_required(person),
        },  # noqa: S308
        status=400 if form.errors else 200,
    )


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
    """Sends a person who must use two-factor login, and has not set it up, to the set-up page first."""

    ALLOWED_PREFIXES = ("/profil/totrin/", "/log-ud/", "/static/", "/sprog/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.totp_enabled
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and BACKEND_SESSION_KEY in request.session
            and self._required(request, user)
        ):
            return redirect("two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _required(request, user) -> bool:
        """Whether the person must set up two-factor login; a "no" is remembered for a few minutes."""
        checked = request.session.get(TWO_FACTOR_CHECKED)
        now = timezone.now()
        if checked and now - dt.datetime.fromisoformat(checked) < TWO_FACTOR_RECHECK:
            return False
        if two_factor_required(user):
            request.session.pop(TWO_FACTOR_CHECKED, None)
            return True
        request.session[TWO_FACTOR_CHECKED] = now.isoformat()
        return False
