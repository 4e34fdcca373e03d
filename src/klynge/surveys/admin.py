"""Platform staff keep the platform-wide questionnaire templates (cluster empty) here."""

from django.contrib import admin

from .models import Question, Survey
from .services import QUESTION_UPDATE_FIELDS


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["position", *QUESTION_UPDATE_FIELDS]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "cluster", "is_template", "status", "closes_on"]
    list_filter = ["is_template", "status"]
    search_fields = ["title"]
    fields = ["title", "intro", "cluster", "anonymous", "min_responses", "audience", "roles"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        # Only templates here: answers and recipients are never edited in the admin.
        return super().get_queryset(request).filter(is_template=True)

    def save_model(self, request, obj, form, change):
        obj.is_template = True
        super().save_model(request, obj, form, change)
