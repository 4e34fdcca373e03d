from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klynge.core.forms import DateInput, StyledForm, StyledModelForm
from klynge.core.models import Person
from klynge.meetings.models import ClusterPackage, Meeting

from .models import TEMPLATE_FIELDS, IdeaRound, Project, ProjectSettings
from .services import SETTINGS_UPDATE_FIELDS


class RoundForm(StyledModelForm):
    class Meta:
        model = IdeaRound
        fields = ["title", "meeting", "dots_per_member", "allow_stacking", "group_limit"]
        help_texts = {
            "group_limit": _("Tom betyder ingen grænse."),
            "meeting": _("Valgfrit: det møde, hvor workshoppen holdes."),
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(cluster=cluster).order_by("-starts_at")
        self.fields["dots_per_member"].min_value = 1


class CodeForm(StyledForm):
    code = forms.CharField(label=_("Kode fra skærmen"), max_length=12)


class IdeaForm(StyledForm):
    title = forms.CharField(label=_("Overskrift"), max_length=200)
    description = forms.CharField(
        label=_("Kort beskrivelse"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    why_it_matters = forms.CharField(
        label=_("Hvorfor betyder det noget i hverdagen?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )


class MergeForm(StyledForm):
    duplicate = forms.TypedChoiceField(label=_("Dublet, der lægges sammen"), coerce=int)
    keep = forms.TypedChoiceField(label=_("Idé, der beholdes"), coerce=int)

    def __init__(self, *args, ideas=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i.pk, i.title) for i in ideas]
        self.fields["duplicate"].choices = choices
        self.fields["keep"].choices = choices


def _people_choices(people):
    return [("", "---------")] + [(p.pk, p.name) for p in people]


class ProjectCreateForm(StyledForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    lead = forms.TypedChoiceField(label=_("Tovholder"), coerce=int)
    board_contact = forms.TypedChoiceField(
        label=_("Kontakt i bestyrelsen"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members=(), board=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = _people_choices(members)
        self.fields["board_contact"].choices = _people_choices(board)


class ProjectForm(StyledModelForm):
    indicator_codes = forms.CharField(
        label=_("Indikatorkoder"),
        required=False,
        help_text=_("Valgfrit: koder fra indikatorkataloget eller ATC-koder, adskilt med komma, fx J02AC01."),
    )

    class Meta:
        model = Project
        # The template's fields in the template's order: a field added to the model's template is on
        # the form without a second list to remember.
        fields = [*TEMPLATE_FIELDS, "ready_from"]
        widgets = {
            "revisit_date": DateInput(),
            "ready_from": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in TEMPLATE_FIELDS
                if isinstance(Project._meta.get_field(name), models.TextField)
            },
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster_package"].queryset = ClusterPackage.objects.filter(
            Q(cluster=cluster) | Q(cluster__isnull=True)
        )
        if self.instance.pk and not self.is_bound:
            self.initial["indicator_codes"] = ", ".join(self.instance.indicator_codes or [])

    def clean_indicator_codes(self):
        raw = self.cleaned_data.get("indicator_codes") or ""
        return [c.strip().upper() for c in raw.replace(";", ",").replace("\n", ",").split(",") if c.strip()]


class MemberForm(StyledForm):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    action = forms.ChoiceField(
        label=_("Handling"),
        choices=[
            ("add", _("Tilføj til gruppen")),
            ("lead", _("Gør til tovholder")),
            ("remove", _("Tag ud af gruppen")),
        ],
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in people]


class SlotMoveForm(StyledForm):
    meeting = forms.TypedChoiceField(label=_("Møde"), coerce=int)
    revisit_date = forms.DateField(label=_("Genbesøg"), widget=DateInput(), required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [(m.pk, m.display_name) for m in meetings]


class SettingsForm(StyledModelForm):
    class Meta:
        model = ProjectSettings
        fields = list(SETTINGS_UPDATE_FIELDS)


__all__ = ["Person"]
