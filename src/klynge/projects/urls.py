from django.urls import path

from . import views
from .rounds import views as round_views

app_name = "projects"

P = "k/<slug:slug>/projekter/"
R = P + "runder/<int:round_id>/"

urlpatterns = [
    path("workshop/", round_views.join, name="join"),
    path("workshop/<str:code>/", round_views.join_code, name="join_code"),
    path(P, views.index, name="index"),
    path(P + "runder/ny/", round_views.round_create, name="round_create"),
    path(R, round_views.round_detail, name="round_detail"),
    path(R + "deltag/", round_views.round_participate, name="round_participate"),
    path(R + "ideer/ny/", round_views.idea_submit, name="idea_submit"),
    path(R + "ideer/<int:idea_id>/prik/", round_views.dot_add, name="dot_add"),
    path(R + "ideer/<int:idea_id>/prik/fjern/", round_views.dot_remove, name="dot_remove"),
    path(R + "ideer/<int:idea_id>/gruppe/", round_views.signup_toggle, name="signup_toggle"),
    path(R + "vaeg/", round_views.round_wall, name="round_wall"),
    path(R + "vaeg/indhold/", round_views.round_wall_content, name="round_wall_content"),
    path(R + "saml/", round_views.round_merge, name="round_merge"),
    path(R + "luk/", round_views.round_close, name="round_close"),
    path(P + "ideer/<int:idea_id>/nyt-projekt/", views.project_create, name="project_create"),
    path(P + "<int:project_id>/", views.project_detail, name="project_detail"),
    path(P + "<int:project_id>/ret/", views.project_edit, name="project_edit"),
    path(P + "<int:project_id>/tjek/", views.project_check, name="project_check"),
    path(P + "<int:project_id>/status/", views.project_status, name="project_status"),
    path(P + "<int:project_id>/gruppe/", views.project_group, name="project_group"),
    path(P + "<int:project_id>/gruppe/deltag/", views.project_join, name="project_join"),
    path(P + "<int:project_id>/versioner/", views.project_versions, name="project_versions"),
    path(P + "<int:project_id>/genbesoeg/", views.followup_accept, name="followup_accept"),
    path(P + "rotation/", views.rotation, name="rotation"),
    path(P + "rotation/forslag/", views.rotation_propose, name="rotation_propose"),
    path(P + "rotation/<int:slot_id>/flyt/", views.rotation_slot_move, name="rotation_slot_move"),
    path(P + "rotation/offentliggoer/", views.rotation_publish, name="rotation_publish"),
    path(P + "indstillinger/", views.project_settings, name="settings"),
    path(P + "tid/", views.my_load, name="my_load"),
    path(P + "tid/alle/", views.cluster_load, name="cluster_load"),
]
