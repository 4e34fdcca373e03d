from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("profil/mine-data/", views.my_data, name="my_data"),
    path("profil/slet/", views.account_delete, name="account_delete"),
    path("profil/noegler/ny/", views.api_token_create, name="api_token_create"),
    path("profil/noegler/<int:token_id>/tilbagekald/", views.api_token_revoke, name="api_token_revoke"),
    path("invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("k/<slug:slug>/", views.cluster_home, name="cluster"),
    path("k/<slug:slug>/indstillinger/", views.cluster_settings, name="cluster_settings"),
    path("k/<slug:slug>/log/", views.audit_log, name="audit_log"),
    path("k/<slug:slug>/praksis/", views.practice_list, name="practice_list"),
    path("k/<slug:slug>/praksis/ny/", views.practice_create, name="practice_create"),
    path("k/<slug:slug>/praksis/<int:practice_id>/", views.practice_detail, name="practice_detail"),
    path("k/<slug:slug>/praksis/<int:practice_id>/ret/", views.practice_edit, name="practice_edit"),
    path(
        "k/<slug:slug>/praksis/<int:practice_id>/periode/",
        views.membership_period_add,
        name="membership_period_add",
    ),
    path(
        "k/<slug:slug>/praksis/<int:practice_id>/udmeld/",
        views.practice_deactivate,
        name="practice_deactivate",
    ),
    path("k/<slug:slug>/personer/", views.person_list, name="person_list"),
    path("k/<slug:slug>/personer/inviter/", views.person_invite, name="person_invite"),
    path("k/<slug:slug>/personer/import/", views.people_import, name="people_import"),
    path("k/<slug:slug>/personer/<int:person_id>/", views.person_detail, name="person_detail"),
    path("k/<slug:slug>/personer/<int:person_id>/ret/", views.person_edit, name="person_edit"),
    path(
        "k/<slug:slug>/personer/<int:person_id>/deaktiver/", views.person_deactivate, name="person_deactivate"
    ),
    path("k/<slug:slug>/personer/<int:person_id>/roller/", views.role_assign, name="role_assign"),
    path(
        "k/<slug:slug>/personer/<int:person_id>/roller/<int:assignment_id>/afslut/",
        views.role_end,
        name="role_end",
    ),
]
