"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn.

A passkey is one more django-otp device beside the authenticator app and the backup codes. It is used
only at the second-factor step, after a correct password (passwordless login is off): the login
ceremony's views take the person from the half-finished login in the session, never from the
passkey, and refuse to start without one. The browser's side is the library's own JavaScript,
loaded as files (no inline script, so the Content-Security-Policy holds); its settings reach it as a
JSON block (`<script type="application/json">`, which browsers never run). Every failed passkey
answer counts in the same django-axes lockout as a wrong code, and a locked-out identity gets no
challenge at all.
"""

from __future__ import annotations

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.middleware import csrf
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from .. import throttling
from ..forms import StyledForm
from ..services import ServiceError
from . import NEW_CODES_KEY, NEXT_KEY, PENDING_KEY, selectors, services
from .selectors import has_backup_codes, pending_person
from .services import backup_codes_create

PASSKEY_NAME = "Adgangsnøgle"
NOT_YOURS = "Adgangsnøglen hører ikke til din konto i Klynge. Brug en anden adgangsnøgle eller en kode."

# The library's messages are English; these are what a member reads in the page's status line.
DANISH_ERRORS = {
    "not_authenticated": "Log ind med din e-mail og adgangskode først.",
    "passwordless_login_disabled": "Log ind med din e-mail og adgangskode først.",
    "user_not_verified": "Bekræft først, at det er dig (med en adgangsnøgle eller en kode), før du tilføjer en ny adgangsnøgle.",
    "invalid_state": "Forsøget er udløbet eller allerede brugt. Prøv igen.",
    "credential_not_found": NOT_YOURS,
    "credential_user_mismatch": NOT_YOURS,
    "credential_disabled": "Adgangsnøglen er slået fra. Brug en anden adgangsnøgle eller en kode.",
    "user_disabled": "Kontoen er lukket.",
    "malformed_request": "Svaret fra browseren kunne ikke læses. Prøv igen.",
    "too_many_passkeys": "Du har allerede {limit} adgangsnøgler. Fjern en, før du tilføjer en ny.",
}
NOT_ACCEPTED = "Adgangsnøglen blev ikke godkendt. Prøv igen, eller brug en kode."


class LockedOut(webauthn_errors.OTPWebAuthnApiError):
    status_code = 429
    default_code = "locked_out"


class TooManyPasskeys(webauthn_errors.OTPWebAuthnApiError):
    status_code = 400
    default_code = "too_many_passkeys"


class PasskeyHelper(WebAuthnHelper):
    """The library's helper, giving each new passkey a Danish name the member can change."""

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        taken = selectors.passkey_names(user)
        number = 1
        while f"{PASSKEY_NAME} {number}" in taken:
            number += 1
        credential.name = f"{PASSKEY_NAME} {number}"
        return credential


def browser_config(request) -> dict:
    """What the library's script reads from the page's `otp_webauthn_config` JSON block."""
    return {
        "csrfToken": csrf.get_token(request),
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "beginAuthenticationUrl": reverse("passkey_login_begin"),
        "completeAuthenticationUrl": reverse("passkey_login_complete"),
        "beginRegistrationUrl": reverse("passkey_register_begin"),
        "completeRegistrationUrl": reverse("passkey_register_complete"),
    }


# Views the browser script calls (JSON) -----------------------------------------------------------------


class DanishErrors:
    """Answers the library's errors with a Danish `detail`, which its script shows to the member."""

    def handle_exception(self, exc):
        if isinstance(exc, webauthn_errors.OTPWebAuthnApiError):
            if isinstance(exc, LockedOut):
                detail = throttling.lockout_message()
            else:
                detail = DANISH_ERRORS.get(exc.code, NOT_ACCEPTED).format(limit=settings.PASSKEYS_PER_PERSON)
            return JsonResponse({"detail": detail, "code": exc.code}, status=exc.status_code)
        return super().handle_exception(exc)


class LoginStep(DanishErrors):
    """The person is the one who gave a correct password in this session, and nobody else."""

    def get_user(self):
        if not hasattr(self, "_person"):
            self._person = pending_person(self.request)
        return self._person

    def identity(self) -> str:
        return throttling.normalise_identity(self.get_user().email)

    def check_can_authenticate(self):
        if self.get_user() is None:
            raise webauthn_errors.NotAuthenticated()
        if throttling.is_locked_out(self.request, self.identity()):
            raise LockedOut()


class PasskeyLoginBegin(LoginStep, BeginCredentialAuthenticationView):
    """A challenge for one of the pending person's passkeys (their ids are offered to the browser)."""


class PasskeyLoginComplete(LoginStep, CompleteCredentialAuthenticationView):
    """Checks the browser's answer; a wrong one counts as a failed login of the pending person."""

    def handle_exception(self, exc):
        refused = isinstance(exc, webauthn_errors.OTPWebAuthnApiError) and not isinstance(
            exc, LockedOut | webauthn_errors.NotAuthenticated
        )
        if refused and self.get_user() is not None:
            throttling.second_factor_failed(self.request, self.identity())
            if throttling.is_locked_out(self.request, self.identity()):
                exc = LockedOut()
        return super().handle_exception(exc)

    def complete_auth(self, device):
        session = self.request.session
        pending = session.pop(PENDING_KEY)
        self._next_url = session.pop(NEXT_KEY, None) or reverse("core:home")
        login(self.request, device.user, backend=pending["backend"])
        django_otp.login(self.request, device)

    def get_success_url(self):
        # Where the password step was headed (checked there); never a `next` from the script's URL.
        return self._next_url


class RegistrationStep(DanishErrors):
    messages = {"user_not_verified": DANISH_ERRORS["user_not_verified"]}

    def check_can_register(self):
        if selectors.passkeys_of(self.request.user).count() >= settings.PASSKEYS_PER_PERSON:
            raise TooManyPasskeys()


class PasskeyRegisterBegin(RegistrationStep, BeginCredentialRegistrationView):
    pass


class PasskeyRegisterComplete(RegistrationStep, CompleteCredentialRegistrationView):
    """Saves the passkey; a person's first second factor also gets backup codes, shown next."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200 and not has_backup_codes(self.request.user):
            self.request.session[NEW_CODES_KEY] = backup_codes_create(person=self.request.user)
        return response


class PasskeyTexts(JavaScriptCatalog):
    """The library script's texts (`gettext`), in Danish from our locale/da/LC_MESSAGES/djangojs.po."""

    packages = ["django_otp_webauthn"]


# Pages -----------------------------------------------------------------------------------------------


@login_required
def passkey_registered(request):
    """Where the page goes once the script has saved a passkey: the backup codes when they are new."""
    if not selectors.passkeys_of(request.user).exists():
        return redirect("core:profile")
    if request.session.get(NEW_CODES_KEY):
        messages.success(
            request, "Adgangsnøglen er gemt. Gem dine backupkoder nu, til den dag du ikke har den med."
        )
        return redirect("two_factor_backup_codes")
    messages.success(request, "Adgangsnøglen er gemt. Du kan give den et navn herunder.")
    return redirect(reverse("core:profile") + "#adgangsnoegler")


class PasskeyNameForm(StyledForm):
    name = forms.CharField(label="Navn", max_length=64, strip=True)


def _verified(request) -> bool:
    if request.user.is_verified():
        return True
    messages.error(request, "Log ind med din adgangsnøgle eller en kode, før du ændrer dine adgangsnøgler.")
    return False


@require_POST
@login_required
def passkey_rename_view(request, passkey_id: int):
    if not _verified(request):
        return redirect("core:profile")
    form = PasskeyNameForm(request.POST)
    try:
        if form.is_valid():
            passkey = services.passkey_rename(
                person=request.user, passkey_id=passkey_id, name=form.cleaned_data["name"]
            )
            messages.success(request, f"Adgangsnøglen hedder nu »{passkey.name}«.")
        else:
            selectors.passkeys_of(request.user).get(pk=passkey_id)
            messages.error(request, "Skriv et navn på højst 64 tegn.")
    except WebAuthnCredential.DoesNotExist:
        raise Http404
    return redirect(reverse("core:profile") + "#adgangsnoegler")


@require_POST
@login_required
def passkey_remove_view(request, passkey_id: int):
    if not _verified(request):
        return redirect("core:profile")
    session_device = getattr(request.user, "otp_device", None)
    verified_by_it = isinstance(session_device, WebAuthnCredential) and session_device.pk == passkey_id
    try:
        all_off = services.passkey_remove(person=request.user, passkey_id=passkey_id)
    except WebAuthnCredential.DoesNotExist:
        raise Http404
    except ServiceError as error:
        messages.error(request, error.messages[0])
        return redirect(reverse("core:profile") + "#adgangsnoegler")
    if verified_by_it and not all_off:
        # The passkey that verified this session is gone; the session stays as verified as it was
        # (the same person proved it), rather than being logged out by TwoFactorRequiredMiddleware.
        django_otp.login(request, next(django_otp.devices_for_user(request.user)))
    if all_off:
        messages.success(request, "Adgangsnøglen er fjernet. Totrinsbekræftelse er slået fra.")
    else:
        messages.success(request, "Adgangsnøglen er fjernet.")
    return redirect(reverse("core:profile") + "#adgangsnoegler")
