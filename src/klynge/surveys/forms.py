from django import forms

from klynge.core.forms import DateInput, StyledForm, StyledModelForm
from klynge.core.models import Role

from .models import Question, QuestionKind, Survey
from .services import QUESTION_UPDATE_FIELDS, SURVEY_UPDATE_FIELDS


class SurveyForm(StyledModelForm):
    roles = forms.MultipleChoiceField(
        label="Roller (kun når modtagerne er udvalgte roller)",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
    )

    class Meta:
        model = Survey
        fields = list(SURVEY_UPDATE_FIELDS)
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "intro": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cluster=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            cluster.meetings.order_by("-starts_at") if cluster else self.fields["meeting"].queryset.none()
        )
        self.fields["meeting"].empty_label = "Ikke knyttet til et møde"
        self.fields["anonymous"].widget.attrs["class"] = "form-checkbox"


class QuestionForm(StyledModelForm):
    options = forms.CharField(
        label="Svarmuligheder",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Én pr. linje (kun ved ét valg og flere valg).",
    )

    class Meta:
        model = Question
        fields = list(QUESTION_UPDATE_FIELDS)
        widgets = {"help_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options"] = "\n".join(self.instance.options)
        self.fields["required"].widget.attrs["class"] = "form-checkbox"
        self.fields["text"].label = "Spørgsmål eller overskrift"


class AnswerForm(StyledForm):
    """The respondent's form, one field per question (named q<id>); sections are drawn by the template."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            if q.is_section:
                continue
            common = {"label": q.text, "required": q.required, "help_text": q.help_text}
            if q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(
                    choices=list(enumerate(q.options)),
                    widget=forms.RadioSelect(attrs={"class": "form-radio"}),
                    **common,
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=list(enumerate(q.options)),
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
                    **common,
                )
            elif q.kind == QuestionKind.SCALE:
                labels = {1: q.scale_min_label, 5: q.scale_max_label}
                choices = [(i, f"{i} – {labels[i]}" if labels.get(i) else str(i)) for i in range(1, 6)]
                field = forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect(attrs={"class": "form-radio"}), **common
                )
            elif q.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("ja", "Ja"), ("nej", "Nej")],
                    widget=forms.RadioSelect(attrs={"class": "form-radio"}),
                    **common,
                )
            elif q.kind == QuestionKind.NUMBER:
                field = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)
            field.question = q
            self.fields[q.field_name] = field
        for field in self.fields.values():
            if not isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-input")
        self.error_messages_required = "Spørgsmålet skal besvares."
        for field in self.fields.values():
            field.error_messages["required"] = "Spørgsmålet skal besvares."

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(q.field_name) for q in self.questions if not q.is_section}

    def items(self):
        """(question, bound field or None for a section) in order, for the template."""
        return [(q, None if q.is_section else self[q.field_name]) for q in self.questions]


class CopyForm(StyledForm):
    title = forms.CharField(label="Titel på kopien", max_length=200)


class RecordForm(StyledForm):
    sent_on = forms.DateField(
        label="Sendt ud den",
        widget=DateInput(),
        required=False,
        help_text="Modtagerne er klyngens medlemmer den dag. Der sendes ingen mails.",
    )
    answered = forms.IntegerField(label="Antal svar", min_value=0)
