from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from klynge.api.api import api
from klynge.core import views as core_views

admin.site.site_header = "Klynge – administration"

urlpatterns = [
    path("log-ind/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("glemt-adgangskode/", core_views.PasswordResetView.as_view(), name="password_reset"),
    path("glemt-adgangskode/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "nulstil/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("nulstil/faerdig/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("sprog/", core_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("klynge.core.urls")),
    path("", include("klynge.meetings.urls")),
    path("", include("klynge.decisions.urls")),
    path("", include("klynge.projects.urls")),
    path("", include("klynge.surveys.urls")),
    path("", include("klynge.quality.urls")),
    path("", include("klynge.reports.urls")),
]
