from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from klynge.core import dates
from klynge.core.forms import DateInput, StyledForm
from klynge.core.models import Majority

from .models import AppliesIf, CharterKind, EffectKind, PollKind


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
    agenda_item = forms.ModelChoiceField(
        label=_("Dagsordenspunkt"),
        queryset=None,
        required=False,
        help_text=_("Beslutningen skrives i punktets referat. Mødet følger af punktet."),
    )
    motion = forms.ModelChoiceField(label=_("Forslag"), queryset=None, required=False)
    closes_at = forms.DateTimeField(
        label=_("Lukker (online-afstemning)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    effect_kind = forms.ChoiceField(label=_("Virkning"), choices=EffectKind.choices, required=False)
    effect_applies_if = forms.ChoiceField(
        label=_("Virkningen gælder"),
        choices=AppliesIf.choices,
        initial=AppliesIf.ADOPTED,
        required=False,
        help_text=_(
            "Ved et spørgsmål om tillid (»Er der tillid til ...?«) sættes praksis på hold, hvis flertallet "
            "stemmer nej."
        ),
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

    def __init__(self, *args, meetings=None, motions=None, agenda_items=None, practices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["motion"].queryset = motions
        self.fields["agenda_item"].queryset = agenda_items
        self.fields["agenda_item"].label_from_instance = agenda_item_label
        self.fields["effect_practice"].choices = [("", "–")] + [(str(p.pk), p.name) for p in practices]

    def clean(self):
        data = super().clean()
        if data.get("kind") != PollKind.YES_NO:
            lines = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
            if len(lines) < 2:
                self.add_error("options", _("Skriv mindst to valgmuligheder, én pr. linje."))
        item = data.get("agenda_item")
        if item is not None:
            if data.get("meeting") and data["meeting"].pk != item.meeting_id:
                self.add_error("agenda_item", _("Punktet står på et andet mødes dagsorden."))
            else:
                data["meeting"] = item.meeting
        self.check_when(data)
        return data

    def check_when(self, data):
        if not data.get("meeting") and not data.get("closes_at"):
            raise ValidationError(_("Vælg et møde, eller giv online-afstemningen et lukketidspunkt."))

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
            "agenda_item": data.get("agenda_item"),
            "closes_at": None if data.get("meeting") else data.get("closes_at"),
            "effect": {
                "kind": data.get("effect_kind") or "",
                "applies_if": data.get("effect_applies_if") or AppliesIf.ADOPTED,
                "practice_id": data.get("effect_practice") or None,
                "ends_on": data.get("effect_ends_on"),
                "until_next_general_assembly": data.get("effect_until_next_ga"),
                "charter_kind": data.get("effect_charter_kind"),
                "text": data.get("effect_text"),
                "open_data": data.get("effect_open_data"),
                "reason": data.get("effect_reason") or "",
            },
        }


def agenda_item_label(item) -> str:
    return f"{item.meeting.title} {dates.short_date(item.meeting.starts_at)}: {item.position}. {item.title}"


class RecordPollForm(PollForm):
    """A vote held before, recorded with its counts: at a past meeting (whose attendance is recorded)
    or online on a past day."""

    decided_on = forms.DateField(label=_("Dato (online-afstemning)"), widget=DateInput(), required=False)
    votes_yes = forms.IntegerField(label=_("Stemmer ja"), min_value=0, required=False)
    votes_no = forms.IntegerField(label=_("Stemmer nej"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Undlod"), min_value=0, required=False)
    option_counts = forms.CharField(
        label=_("Stemmer pr. valgmulighed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ved valg og flere forslag: én linje pr. valgmulighed, fx »Anne Andersen: 12«."),
    )
    blank = forms.IntegerField(label=_("Blanke stemmer"), min_value=0, required=False)
    turnout = forms.IntegerField(
        label=_("Antal afgivne stemmesedler (ved valg)"), min_value=0, required=False
    )
    proxies = forms.IntegerField(
        label=_("Stemmer ved fuldmagt på mødet"), min_value=0, required=False, initial=0
    )
    casting_vote = forms.CharField(
        label=_("Formandens afgørende stemme ved stemmelighed"),
        required=False,
        help_text=_("»yes« eller »no« ved ja/nej, ellers valgmuligheden."),
    )

    field_order = ["question", "description", "kind", "options", "meeting", "agenda_item", "decided_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["closes_at"]

    def check_when(self, data):
        if not data.get("meeting") and not data.get("decided_on"):
            raise ValidationError(_("Vælg mødet, eller skriv datoen for online-afstemningen."))

    def clean(self):
        data = super().clean()
        counts = {}
        if data.get("kind") == PollKind.YES_NO:
            for code in ("yes", "no", "abstain"):
                if data.get(f"votes_{code}"):
                    counts[code] = data[f"votes_{code}"]
        else:
            for number, line in enumerate((data.get("option_counts") or "").splitlines(), start=1):
                if not line.strip():
                    continue
                label, _sep, value = line.rpartition(":")
                try:
                    counts[label.strip()] = int(value.strip())
                except ValueError:
                    self.add_error("option_counts", _("Linje %(n)s skal slutte med »: tal«.") % {"n": number})
        data["counts"] = counts
        return data

    def record_kwargs(self) -> dict:
        kwargs = self.service_kwargs()
        kwargs.pop("closes_at")
        data = self.cleaned_data
        kwargs.update(
            counts=data["counts"],
            decided_on=None if data.get("meeting") else data.get("decided_on"),
            blank=data.get("blank") or 0,
            turnout=data.get("turnout"),
            proxies=data.get("proxies") or 0,
            casting_vote=(data.get("casting_vote") or "").strip(),
        )
        return kwargs


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
