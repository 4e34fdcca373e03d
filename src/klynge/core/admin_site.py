"""The admin site: django-otp's, so that staff give the same second factor as on the site, with wrong
codes counted by the same lockouts as the site's code page."""

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


class KlyngeAdminSite(OTPAdminSite):
    login_form = KlyngeAdminAuthenticationForm

    def __init__(self, name="admin"):
        super().__init__(name)
