from django.urls import path

from . import views

app_name = "surveys"

S = "k/<slug:slug>/spoergeskemaer/"
Q = S + "<int:survey_id>/"

urlpatterns = [
    path(S, views.survey_list, name="list"),
    path(S + "ny/", views.survey_create, name="create"),
    path(S + "skabeloner/", views.library, name="library"),
    path(S + "skabeloner/<int:survey_id>/brug/", views.library_use, name="library_use"),
    path(Q, views.survey_detail, name="detail"),
    path(Q + "ret/", views.survey_edit, name="edit"),
    path(Q + "slet/", views.survey_delete, name="delete"),
    path(Q + "kopier/", views.survey_copy, name="copy"),
    path(Q + "gem-som-skabelon/", views.survey_save_template, name="save_template"),
    path(Q + "forhaandsvisning/", views.survey_preview, name="preview"),
    path(Q + "spoergsmaal/ny/", views.question_add, name="question_add"),
    path(Q + "spoergsmaal/<int:question_id>/ret/", views.question_edit, name="question_edit"),
    path(Q + "spoergsmaal/<int:question_id>/slet/", views.question_delete, name="question_delete"),
    path(Q + "spoergsmaal/<int:question_id>/flyt/", views.question_move, name="question_move"),
    path(Q + "send/", views.survey_send, name="send"),
    path(Q + "paamind/", views.survey_remind, name="remind"),
    path(Q + "registrer/", views.survey_record, name="record"),
    path(Q + "svarprocent/", views.survey_rate, name="rate"),
    path(Q + "dagsorden/", views.survey_agenda, name="agenda"),
    path(Q + "svar/", views.survey_answer, name="answer"),
    path(Q + "resultater/", views.survey_results, name="results"),
    path(Q + "praesentation/", views.survey_present, name="present"),
    path(Q + "resultater.csv", views.export_csv, name="export_csv"),
    path(Q + "resultater.xlsx", views.export_xlsx, name="export_xlsx"),
    # The personal link from the mail: answers without a login.
    path("spoergeskema/<str:token>/", views.public_answer, name="public_answer"),
]
