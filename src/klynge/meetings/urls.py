from django.urls import path

from . import views

app_name = "meetings"

M = "k/<slug:slug>/moeder/<int:meeting_id>/"

urlpatterns = [
    path("k/<slug:slug>/moeder/", views.meeting_list, name="meeting_list"),
    path("k/<slug:slug>/moeder/naeste-aar/", views.year_plan_next, name="year_plan_next"),
    path("k/<slug:slug>/moeder/nyt/", views.meeting_create, name="meeting_create"),
    path("k/<slug:slug>/moeder/fremmoede/", views.attendance_report, name="attendance_report"),
    path(M, views.meeting_detail, name="meeting_detail"),
    path(M + "ret/", views.meeting_edit, name="meeting_edit"),
    path(M + "materiale/<int:attachment_id>/", views.meeting_material, name="meeting_material"),
    path(M + "aflys/", views.meeting_cancel, name="meeting_cancel"),
    path(M + "inviter/", views.meeting_invite, name="meeting_invite"),
    path(M + "svar/", views.meeting_answer, name="meeting_answer"),
    path(M + "dagsorden/nyt/", views.agenda_item_create, name="agenda_item_create"),
    path(M + "dagsorden/skabelon/", views.agenda_template, name="agenda_template"),
    path(M + "dagsorden/<int:item_id>/ret/", views.agenda_item_edit, name="agenda_item_edit"),
    path(M + "dagsorden/<int:item_id>/flyt/", views.agenda_item_move, name="agenda_item_move"),
    path(M + "dagsorden/<int:item_id>/slet/", views.agenda_item_delete, name="agenda_item_delete"),
    path(M + "forslag/", views.agenda_proposal, name="agenda_proposal"),
    path(M + "referat/", views.minutes_edit, name="minutes_edit"),
    path(M + "referat/godkend/", views.minutes_approve, name="minutes_approve"),
    path(M + "referat.pdf", views.minutes_pdf, name="minutes_pdf"),
    path(M + "oensker/", views.note_add, name="note_add"),
    path(M + "gaester/ny/", views.guest_add, name="guest_add"),
    path(M + "gaester/<int:guest_id>/fjern/", views.guest_remove, name="guest_remove"),
    path(M + "tjek-ind/", views.checkin, name="checkin"),
    path(M + "tjek-ind/<int:person_id>/", views.checkin_toggle, name="checkin_toggle"),
    path(M + "deltagerliste.pdf", views.attendance_pdf, name="attendance_pdf"),
    path(M + "deltagerliste.csv", views.attendance_csv, name="attendance_csv"),
    path("k/<slug:slug>/pakker/", views.package_list, name="package_list"),
    path("k/<slug:slug>/pakker/ny/", views.package_create, name="package_create"),
    path("k/<slug:slug>/pakker/<int:package_id>/", views.package_detail, name="package_detail"),
    path("k/<slug:slug>/pakker/<int:package_id>/ret/", views.package_edit, name="package_edit"),
    path(
        "k/<slug:slug>/pakker/<int:package_id>/opfoelgning/",
        views.package_follow_up,
        name="package_follow_up",
    ),
    path(
        "k/<slug:slug>/pakker/<int:package_id>/bilag/",
        views.package_attachment_add,
        name="package_attachment_add",
    ),
    path(
        "k/<slug:slug>/pakker/<int:package_id>/bilag/<int:attachment_id>/",
        views.package_attachment_download,
        name="package_attachment_download",
    ),
    path("k/<slug:slug>/dokumenter/", views.document_list, name="document_list"),
    path("k/<slug:slug>/dokumenter/nyt/", views.document_create, name="document_create"),
    path("k/<slug:slug>/dokumenter/<int:document_id>/", views.document_detail, name="document_detail"),
    path(
        "k/<slug:slug>/dokumenter/<int:document_id>/version/",
        views.document_version_add,
        name="document_version_add",
    ),
    path(
        "k/<slug:slug>/dokumenter/<int:document_id>/v<int:number>/",
        views.document_download,
        name="document_download",
    ),
    path("k/<slug:slug>/kalender.ics", views.public_cluster_feed, name="public_cluster_feed"),
    path("profil/kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/<str:token>.ics", views.public_person_feed, name="public_person_feed"),
    path("svar/<str:token>/", views.public_answer, name="public_answer"),
]
