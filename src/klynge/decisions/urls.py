from django.urls import path

from . import views

app_name = "decisions"

K = "k/<slug:slug>/"
P = K + "afstemninger/<int:poll_id>/"

urlpatterns = [
    path(K + "offentlig", views.public_cluster, name="public_cluster"),
    path(K + "offentlig/", views.public_cluster, name="public_cluster_slash"),
    path(K + "afstemninger/", views.poll_list, name="poll_list"),
    path(K + "afstemninger/ny/", views.poll_create, name="poll_create"),
    path(K + "afstemninger/registrer/", views.poll_record, name="poll_record"),
    path(P, views.poll_detail, name="poll_detail"),
    path(P + "ret/", views.poll_edit, name="poll_edit"),
    path(P + "aabn/", views.poll_open, name="poll_open"),
    path(P + "luk/", views.poll_close, name="poll_close"),
    path(P + "offentliggoer/", views.poll_publish, name="poll_publish"),
    path(P + "fuldmagt/", views.proxy_add, name="proxy_add"),
    path(P + "stem/", views.poll_vote, name="poll_vote"),
    path(P + "stem/status/", views.poll_vote_panel, name="poll_vote_panel"),
    path(P + "skaerm/", views.poll_screen, name="poll_screen"),
    path(P + "skaerm/status/", views.poll_screen_panel, name="poll_screen_panel"),
    path(K + "beslutninger/", views.decision_list, name="decision_list"),
    path(K + "beslutninger/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path(K + "forslag/", views.motion_list, name="motion_list"),
    path(K + "forslag/nyt/", views.motion_create, name="motion_create"),
    path(K + "forslag/<int:motion_id>/", views.motion_detail, name="motion_detail"),
    path(
        K + "forslag/<int:motion_id>/bilag/<int:attachment_id>/",
        views.motion_attachment,
        name="motion_attachment",
    ),
    path(K + "forslag/<int:motion_id>/dagsorden/", views.motion_to_agenda, name="motion_to_agenda"),
    path(K + "vedtaegter/", views.charter_list, name="charter_list"),
    path(K + "vedtaegter/ny-version/", views.charter_add, name="charter_add"),
    path(K + "vedtaegter/<str:kind>/", views.charter_detail, name="charter_detail"),
    path(K + "vedtaegter/<str:kind>/sammenlign/", views.charter_compare, name="charter_compare"),
]
