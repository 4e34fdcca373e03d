from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from klynge.api.api import api
from klynge.core import views as core_views
from klynge.core.accounts import passkeys
from klynge.core.accounts import views as accounts
from klynge.core.admin_site import KlyngeAdminSite

# The admin asks for the same second factor as the site (django-otp's admin site) and its failures
# count towards the same lockouts (core/admin_site.py).
admin.site.__class__ = KlyngeAdminSite
admin.site.site_header = "Klynge – administration"
handler500 = "klynge.core.views.server_error"

urlpatterns = [
    path("log-ind/", accounts.LoginView.as_view(), name="login"),
    path("log-ind/kode/", accounts.two_factor_login, name="two_factor_login"),
    path("profil/totrin/", accounts.two_factor_setup, name="two_factor_setup"),
    path("profil/totrin/backupkoder/", accounts.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("profil/totrin/slaa-fra/", accounts.two_factor_disable, name="two_factor_disable"),
    # Passkeys (django-otp-webauthn): the JSON views its script calls, and the pages around them.
    path("log-ind/adgangsnoegle/start/", passkeys.PasskeyLoginBegin.as_view(), name="passkey_login_begin"),
    path(
        "log-ind/adgangsnoegle/svar/", passkeys.PasskeyLoginComplete.as_view(), name="passkey_login_complete"
    ),
    path(
        "profil/totrin/adgangsnoegle/start/",
        passkeys.PasskeyRegisterBegin.as_view(),
        name="passkey_register_begin",
    ),
    path(
        "profil/totrin/adgangsnoegle/svar/",
        passkeys.PasskeyRegisterComplete.as_view(),
        name="passkey_register_complete",
    ),
    path("profil/totrin/adgangsnoegle/gemt/", passkeys.passkey_registered, name="passkey_registered"),
    path("profil/totrin/adgangsnoegle/tekster.js", passkeys.PasskeyTexts.as_view(), name="passkey_texts"),
    path(
        "profil/totrin/adgangsnoegle/<int:passkey_id>/navn/",
        passkeys.passkey_rename_view,
        name="passkey_rename",
    ),
    path(
        "profil/totrin/adgangsnoegle/<int:passkey_id>/fjern/",
        passkeys.passkey_remove_view,
        name="passkey_remove",
    ),
    path("oidc/", include("mozilla_django_oidc.urls")),
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
    path("healthz", core_views.health, name="health"),
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
