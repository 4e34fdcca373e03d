from django import forms
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .models import Cluster, MembershipStatus, Person, Practice, Role, Title
from .services import (
    CLUSTER_SETTINGS_FIELDS,
    PEOPLE_IMPORT_MAX_BYTES,
    PERSON_UPDATE_FIELDS,
    PRACTICE_UPDATE_FIELDS,
    outbox_enqueue,
)
from .throttling import client_allowed, mail_allowed


class StyledFormMixin:
    """Gives every widget the design system's classes, so templates only loop over fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-input"
            widget.attrs.setdefault("class", css)


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PracticeForm(StyledModelForm):
    class Meta:
        model = Practice
        fields = list(PRACTICE_UPDATE_FIELDS)
        widgets = {
            "listed_patients_date": DateInput(),
            "provider_number": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    joined_on = forms.DateField(
        label=_("Med i klyngen fra"),
        widget=DateInput(),
        required=False,
        help_text=_("Tom: i dag. En klynge, der flytter til Klynge, skriver den rigtige dato."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The ydernummer identifies the practice nationally; it is not edited here.
            del self.fields["provider_number"]

    def validate_unique(self):
        # A ydernummer already known nationally joins the existing practice (see practice_create).
        pass


class PersonInviteForm(StyledForm):
    name = forms.CharField(label=_("Navn"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    title = forms.ChoiceField(label=_("Titel"), choices=Title.choices, initial=Title.GP)
    practice = forms.ModelChoiceField(label=_("Praksis"), queryset=Practice.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Rolle i klyngen"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, practices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = Practice.objects.filter(pk__in=[p.pk for p in practices])


class PersonEditForm(StyledModelForm):
    class Meta:
        model = Person
        fields = list(PERSON_UPDATE_FIELDS)

    def __init__(self, *args, practices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = Practice.objects.filter(pk__in=[p.pk for p in practices])
        self.fields["practice"].help_text = _("Vælg en anden praksis for at flytte lægen.")

    def validate_unique(self):
        # person_update gives the Danish message for a taken e-mail.
        pass


class RoleAssignForm(StyledForm):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    starts_on = forms.DateField(label=_("Fra"), widget=DateInput(), required=False)
    ends_on = forms.DateField(
        label=_("Til (ikke medregnet)"),
        widget=DateInput(),
        required=False,
        help_text=_("Kun for en rolle, der allerede er slut."),
    )


class MembershipPeriodForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=MembershipStatus.choices)
    starts_on = forms.DateField(label=_("Fra"), widget=DateInput())
    ends_on = forms.DateField(label=_("Til (ikke medregnet)"), widget=DateInput(), required=False)
    until_next_general_assembly = forms.BooleanField(
        label=_("På hold til næste generalforsamling"), required=False
    )
    reason = forms.CharField(label=_("Begrundelse"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PeopleImportForm(StyledForm):
    file = forms.FileField(
        label=_("CSV-fil"),
        help_text=_(
            "Kolonner: ydernummer; praksis; navn; e-mail; rolle. Semikolon eller komma; UTF-8 eller Windows-1252."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > PEOPLE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor (højst 2 MB)."))
        return upload


class ClusterSettingsForm(StyledModelForm):
    class Meta:
        model = Cluster
        fields = list(CLUSTER_SETTINGS_FIELDS)
        widgets = {"founded": DateInput()}


class ProfileForm(StyledModelForm):
    class Meta:
        model = Person
        fields = ["name", "phone"]


class ApiTokenForm(StyledForm):
    name = forms.CharField(label=_("Navn på nøglen"), max_length=100, initial="Min nøgle")


class PasswordResetForm(StyledFormMixin, DjangoPasswordResetForm):
    """Sends the reset mail through the outbox like every other mail, within the mail limits.

    The page answers the same whether a mail went out or not, so it tells nothing about an address.
    """

    def save(self, *args, request=None, **kwargs):
        if request is not None and not client_allowed(kind="reset", request=request):
            return None
        self._request = request
        return super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if not mail_allowed(kind="reset", address=to_email):
            return
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        outbox_enqueue(to=to_email, subject=subject, body=render_to_string(email_template_name, context))


class AccountDeleteForm(StyledForm):
    password = forms.CharField(
        label=_("Din adgangskode"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
