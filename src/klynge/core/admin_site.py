"""The admin site: django-otp's, so that staff give the same second factor as on the site, with wrong
codes counted by the same lockouts as the site's code page.

Passkeys: django-otp's admin login form takes a typed code only, and django-otp-webauthn brings no
admin login of its own, so a passkey is not offered there. Staff who use a passkey log in on the
site's login page (password, then passkey); the admin accepts that verified session as it is."""

from django import forms
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from . import throttling


class KlyngeAdminAuthenticationForm(OTPAdminAuthenticationForm):
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Vælg din enhed, og skriv koden fra den.",
        "device_required": "Vælg den enhed, koden kommer fra. Har du ingen, så slå totrinsbekræftelse til under »Min profil« først.",
        "invalid_token": "Koden passer ikke.",
        "n_failed_attempts": "For mange forkerte koder i træk. Vent lidt, og prøv igen.",
        "verification_not_allowed": "Koden kan ikke bruges lige nu. Vent lidt, og prøv igen.",
    }

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except forms.ValidationError as error:
            if user is not None and self.cleaned_data.get("otp_token") and error.code != "token_required":
                throttling.second_factor_failed(self.request, throttling.normalise_identity(user.email))
            raise

    @staticmethod
    def device_choices(user):
        return [
            (value, label)
            for value, label in OTPAdminAuthenticationForm.device_choices(user)
            if not value.startswith("django_otp_webauthn.")
        ]


class KlyngeAdminSite(OTPAdminSite):
    login_form = KlyngeAdminAuthenticationForm
    login_template = "admin/klynge_login.html"

    def __init__(self, name="admin"):
        super().__init__(name)
