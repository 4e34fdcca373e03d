import datetime as dt
import zoneinfo

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klynge.core.forms import DateInput, StyledForm, StyledModelForm
from klynge.core.models import Person

from .models import (
    AgendaItem,
    Answer,
    ClusterPackage,
    DocumentCategory,
    GuestRole,
    Meeting,
    MeetingKind,
    PackageSource,
)
from .services import MEETING_UPDATE_FIELDS, PACKAGE_UPDATE_FIELDS

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(StyledModelForm):
    starts_at = forms.DateTimeField(
        label=_("Start"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Slut"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Et internat kan slutte en senere dag."),
    )

    class Meta:
        model = Meeting
        fields = list(MEETING_UPDATE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, cluster=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue_name"].required = False  # the service gives the clear message
        self.fields["package"].queryset = ClusterPackage.objects.filter(
            Q(cluster__isnull=True) | Q(cluster=cluster)
        ).order_by("title")
        self.fields["package"].required = False

    def _post_clean(self):
        # Validation of times and venue is the service's; skip the model's full_clean here.
        pass


class NextYearForm(StyledForm):
    """Next year's dates and venues in one form (blank dates are skipped)."""

    ga_date = forms.DateField(label=_("Generalforsamling: dato"), widget=DateInput(), required=False)
    ga_venue = forms.CharField(label=_("Generalforsamling: sted"), required=False)
    cm1_date = forms.DateField(label=_("1. klyngemøde: dato"), widget=DateInput(), required=False)
    cm1_venue = forms.CharField(label=_("1. klyngemøde: sted"), required=False)
    cm2_date = forms.DateField(label=_("2. klyngemøde: dato"), widget=DateInput(), required=False)
    cm2_venue = forms.CharField(label=_("2. klyngemøde: sted"), required=False)
    retreat_start = forms.DateField(label=_("Internat: første dag"), widget=DateInput(), required=False)
    retreat_end = forms.DateField(label=_("Internat: sidste dag"), widget=DateInput(), required=False)
    retreat_venue = forms.CharField(label=_("Internat: sted"), required=False)
    start_time = forms.TimeField(
        label=_("Møderne begynder kl."),
        initial=dt.time(16, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end_time = forms.TimeField(
        label=_("Møderne slutter kl."), initial=dt.time(19, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )

    def entries(self) -> list[dict]:
        data = self.cleaned_data
        start, end = data["start_time"], data["end_time"]

        def at(day, time):
            return dt.datetime.combine(day, time, tzinfo=TZ)

        entries = []
        rows = [
            ("ga", MeetingKind.GENERAL_ASSEMBLY, "Generalforsamling"),
            ("cm1", MeetingKind.CLUSTER_MEETING, "Klyngemøde"),
            ("cm2", MeetingKind.CLUSTER_MEETING, "Klyngemøde"),
        ]
        for prefix, kind, title in rows:
            day = data.get(f"{prefix}_date")
            if day:
                entries.append(
                    {
                        "kind": kind,
                        "title": title,
                        "starts_at": at(day, start),
                        "ends_at": at(day, end),
                        "venue_name": data.get(f"{prefix}_venue", ""),
                        "with_template": kind == MeetingKind.GENERAL_ASSEMBLY,
                    }
                )
        if data.get("retreat_start"):
            last = data.get("retreat_end") or data["retreat_start"]
            entries.append(
                {
                    "kind": MeetingKind.RETREAT,
                    "title": "Internat",
                    "starts_at": at(data["retreat_start"], dt.time(9, 0)),
                    "ends_at": at(last, dt.time(16, 0)),
                    "venue_name": data.get("retreat_venue", ""),
                }
            )
        return entries


class AgendaItemForm(StyledModelForm):
    position = forms.TypedChoiceField(
        label=_("Placering på dagsordenen"), coerce=int, required=False, empty_value=None
    )

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "position",
            "duration_minutes",
            "responsible",
            "description",
            "link_url",
            "link_label",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, people=(), agenda=(), default_position=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        self.fields["title"].required = False
        self.fields["position"].choices = _position_choices(list(agenda), self.instance)
        if self.instance.pk:
            self.initial["position"] = next(
                (n for n, other in enumerate(agenda, start=1) if other.pk == self.instance.pk), 1
            )
        elif default_position is not None:
            self.initial["position"] = default_position

    def _post_clean(self):
        pass


def _position_choices(agenda: list, item) -> list[tuple[int, str]]:
    """Every place the item can take, named by its neighbour, so one choice moves it there."""
    if not item.pk:
        choices = [(n, f"Nr. {n}, før »{other.title}«") for n, other in enumerate(agenda, start=1)]
        return [*choices, (len(agenda) + 1, f"Nr. {len(agenda) + 1}, sidst")]
    current = next((n for n, other in enumerate(agenda, start=1) if other.pk == item.pk), 1)
    choices = []
    for n, other in enumerate(agenda, start=1):
        if n == current:
            choices.append((n, f"Nr. {n} (som nu)"))
        elif n < current:
            choices.append((n, f"Nr. {n}, før »{other.title}«"))
        else:
            choices.append((n, f"Nr. {n}, efter »{other.title}«"))
    return choices


class ProposalForm(StyledForm):
    title = forms.CharField(label=_("Forslagets titel"), max_length=250)
    description = forms.CharField(
        label=_("Forslaget og begrundelse"), widget=forms.Textarea(attrs={"rows": 4})
    )


class MinutesForm(StyledForm):
    minutes = forms.CharField(
        label=_("Referat (Markdown)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    decisions = forms.CharField(
        label=_("Beslutninger"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class GuestForm(StyledForm):
    name = forms.CharField(label=_("Navn"), max_length=200)
    email = forms.CharField(label=_("E-mail"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Rolle"), choices=GuestRole.choices)


class AnswerForm(StyledForm):
    answer = forms.ChoiceField(label=_("Dit svar"), choices=Answer.choices, widget=forms.RadioSelect)


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Ønske til næste internat"), max_length=500)


class PackageForm(StyledModelForm):
    class Meta:
        model = ClusterPackage
        fields = list(PACKAGE_UPDATE_FIELDS)
        widgets = {
            "ordered_on": DateInput(),
            **{
                f: forms.Textarea(attrs={"rows": 3})
                for f in ("focus", "data_basis", "background", "recommendations", "discussion_questions")
            },
        }

    def __init__(self, *args, national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = PackageSource.choices
        if not national:
            self.fields["source"].initial = PackageSource.CLUSTER

    def _post_clean(self):
        pass


class FollowUpForm(StyledForm):
    ordered_on = forms.DateField(label=_("Bestilt"), widget=DateInput())


class UploadForm(StyledForm):
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    file = forms.FileField(label=_("Fil"), required=False)


class DocumentForm(StyledForm):
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Kategori"), choices=DocumentCategory.choices)
    description = forms.CharField(
        label=_("Beskrivelse"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    file = forms.FileField(label=_("Fil"), required=False)


class VersionForm(StyledForm):
    note = forms.CharField(label=_("Hvad er ændret?"), max_length=300, required=False)
    file = forms.FileField(label=_("Ny version"), required=False)
