from django import forms

from klynge.core.forms import StyledForm

from .models import Direction, Unit
from .services import OWN_INDICATOR_UNIT_REFUSED, OWN_INDICATOR_UNITS


class UploadForm(StyledForm):
    KIND_CHOICES = [
        ("measurements", "Målinger i langt format (ydernummer; indikator; periode; tæller; nævner)"),
        (
            "prescriptions",
            "Receptdata (ydernummer; periode; atc; recepter; personer; ddd) med tilmeldte patienter",
        ),
    ]
    kind = forms.ChoiceField(
        label="Slags fil", choices=KIND_CHOICES, widget=forms.RadioSelect, initial="measurements"
    )
    file = forms.FileField(label="Fil (CSV eller XLSX)")
    patients = forms.FileField(
        label="Tilmeldte patienter (ydernummer; periode; tilmeldte_patienter)",
        required=False,
        help_text="Kun til receptdata.",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "prescriptions" and not data.get("patients"):
            self.add_error("patients", "Receptdata kræver også filen med tilmeldte patienter.")
        return data


class OpenDataForm(StyledForm):
    open_data = forms.BooleanField(label="Praksis i klyngen ser hinandens navne (åbne data)", required=False)
    reason = forms.CharField(
        label="Begrundelse",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Hvilket møde eller hvilken beslutning? Begrundelsen gemmes med dato og dit navn.",
    )


class IndicatorForm(StyledForm):
    name_da = forms.CharField(label="Navn", max_length=200)
    why = forms.CharField(
        label="Hvorfor er det vigtigt?", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    unit = forms.ChoiceField(
        label="Enhed",
        choices=[(unit, Unit(unit).label) for unit in OWN_INDICATOR_UNITS],
        error_messages={"invalid_choice": OWN_INDICATOR_UNIT_REFUSED},
    )
    numerator_label = forms.CharField(label="Tæller: hvad tæller praksis?", max_length=300)
    denominator_label = forms.CharField(
        label="Nævner", max_length=300, required=False, help_text="Fx tilmeldte patienter."
    )
    direction = forms.ChoiceField(label="Retning", choices=Direction.choices)
    target = forms.FloatField(label="Klyngens mål", required=False)


class EntryForm(StyledForm):
    period = forms.CharField(label="Periode", max_length=10, help_text="Fx 2025, 2025-Q1 eller 2025-03.")
    numerator = forms.FloatField(label="Tæller", min_value=0)
    denominator = forms.FloatField(label="Nævner", min_value=0, required=False)
