from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from klynge.core.forms import DateInput, StyledForm
from klynge.core.models import Majority

from .models import CharterKind, EffectKind, PollKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MotionForm(StyledForm):
    meeting = forms.ModelChoiceField(label=_("Generalforsamling"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Overskrift"), max_length=200)
    text = forms.CharField(label=_("Forslaget"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(
        label=_("Bilag"),
        required=False,
        help_text=_("PDF, Word, ODT, tekst, billeder eller Excel; højst 10 MB pr. fil."),
    )
    by_board = forms.BooleanField(label=_("Bestyrelsens eget forslag"), required=False)

    def __init__(self, *args, meetings=None, can_manage=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        if not can_manage:
            del self.fields["by_board"]


class PollForm(StyledForm):
    question = forms.CharField(label=_("Spørgsmål"), max_length=300)
    description = forms.CharField(
        label=_("Baggrund"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Type"), choices=PollKind.choices, initial=PollKind.YES_NO)
    options = forms.CharField(
        label=_("Valgmuligheder eller kandidater"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Én pr. linje. Bruges ikke ved ja/nej."),
    )
    seats = forms.IntegerField(label=_("Antal pladser (K)"), min_value=1, initial=1, required=False)
    alternates = forms.IntegerField(label=_("Antal suppleanter"), min_value=0, initial=0, required=False)
    secret = forms.BooleanField(label=_("Hemmelig afstemning"), required=False)
    majority = forms.ChoiceField(label=_("Flertal"), choices=Majority.choices)
    meeting = forms.ModelChoiceField(
        label=_("Møde"),
        queryset=None,
        required=False,
        help_text=_("Tom: online-afstemning med lukketidspunkt."),
    )
    motion = forms.ModelChoiceField(label=_("Forslag"), queryset=None, required=False)
    closes_at = forms.DateTimeField(
        label=_("Lukker (online-afstemning)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    effect_kind = forms.ChoiceField(
        label=_("Virkning hvis vedtaget"), choices=EffectKind.choices, required=False
    )
    effect_practice = forms.ChoiceField(label=_("Praksis der sættes på hold"), required=False)
    effect_ends_on = forms.DateField(
        label=_("På hold til og med dagen før"), required=False, widget=DateInput()
    )
    effect_until_next_ga = forms.BooleanField(label=_("På hold til næste generalforsamling"), required=False)
    effect_charter_kind = forms.ChoiceField(
        label=_("Dokument"), choices=[("", "–"), *CharterKind.choices], required=False
    )
    effect_text = forms.CharField(
        label=_("Ny tekst til dokumentet"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    effect_open_data = forms.BooleanField(label=_("Åbne data i klyngen"), required=False)
    effect_reason = forms.CharField(label=_("Begrundelse for virkningen"), required=False)

    def __init__(self, *args, meetings=None, motions=None, practices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["motion"].queryset = motions
        self.fields["effect_practice"].choices = [("", "–")] + [(str(p.pk), p.name) for p in practices]

    def clean(self):
        data = super().clean()
        if data.get("kind") != PollKind.YES_NO:
            lines = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
            if len(lines) < 2:
                self.add_error("options", _("Skriv mindst to valgmuligheder, én pr. linje."))
        if not data.get("meeting") and not data.get("closes_at"):
            raise ValidationError(_("Vælg et møde, eller giv online-afstemningen et lukketidspunkt."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "question": data["question"],
            "description": data["description"],
            "kind": data["kind"],
            "options": (data.get("options") or "").splitlines(),
            "seats": data.get("seats") or 1,
            "alternates": data.get("alternates") or 0,
            "secret": data["secret"],
            "majority": data["majority"],
            "meeting": data.get("meeting"),
            "motion": data.get("motion"),
            "closes_at": None if data.get("meeting") else data.get("closes_at"),
            "effect": {
                "kind": data.get("effect_kind") or "",
                "practice_id": data.get("effect_practice") or None,
                "ends_on": data.get("effect_ends_on"),
                "until_next_general_assembly": data.get("effect_until_next_ga"),
                "charter_kind": data.get("effect_charter_kind"),
                "text": data.get("effect_text"),
                "open_data": data.get("effect_open_data"),
                "reason": data.get("effect_reason") or "",
            },
        }


class ProxyForm(StyledForm):
    giver = forms.ChoiceField(label=_("Fuldmagtsgiver (kan ikke være til stede)"))
    holder = forms.ChoiceField(label=_("Fuldmagtshaver (stemmer på giverens vegne)"))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "–")] + [(str(p.pk), p.name) for p in people]
        self.fields["giver"].choices = choices
        self.fields["holder"].choices = choices


class CharterForm(StyledForm):
    kind = forms.ChoiceField(label=_("Dokument"), choices=CharterKind.choices)
    text = forms.CharField(label=_("Tekst (Markdown)"), widget=forms.Textarea(attrs={"rows": 12}))
    adopted_on = forms.DateField(label=_("Vedtaget den"), widget=DateInput())
