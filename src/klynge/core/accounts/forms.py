"""The password form and the code form of the login steps."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from ..forms import StyledForm


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "E-mail eller adgangskode er forkert. Prøv igen.",
    }


class CodeForm(StyledForm):
    code = forms.CharField(
        label="Kode fra din app eller en backupkode",
        max_length=16,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
