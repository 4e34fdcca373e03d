from django import forms

from klynge.core.forms import StyledForm


class AnnualReportForm(StyledForm):
    text = forms.CharField(
        label="Beretningen",
        error_messages={"required": "Skriv beretningen, eller tag Klynges udkast."},
        help_text="Skrives i Markdown: # overskrift, ## afsnit, - punkt, **fed**. Tom linje mellem afsnit.",
        widget=forms.Textarea(
            attrs={
                "rows": 24,
                "class": "form-input klynge-report-text",
                "spellcheck": "true",
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#forhaandsvisning",
                "lang": "da",
            }
        ),
    )


class RegenerateForm(StyledForm):
    choice = forms.ChoiceField(
        label="Hvad vil du gøre?",
        choices=[("take", "Brug det nye udkast"), ("keep", "Behold min tekst")],
        widget=forms.HiddenInput,
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
