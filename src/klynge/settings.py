"""Settings read from the environment; see docs/deployment.md for every variable."""

import datetime as dt
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KLYNGE_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "klynge.core",
    "klynge.meetings",
    "klynge.decisions",
    "klynge.projects",
    "klynge.surveys",
    "klynge.quality",
    "klynge.reports",
    "klynge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "klynge.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "klynge.core.accounts.middleware.SlidingSessionMiddleware",
    "klynge.core.accounts.middleware.TwoFactorRequiredMiddleware",
    "klynge.core.audit.AuditMiddleware",
    "klynge.core.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "klynge.core.security.OversizedIdMiddleware",
    # Last, so that it sees the lockout flag set by a failed login anywhere (login form, admin, code page).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "klynge.urls"
WSGI_APPLICATION = "klynge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "klynge.core.context_processors.cluster_nav",
            ],
            "builtins": ["klynge.core.templatetags.klynge"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'klynge.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web workers read while the outbox worker writes. Secret votes and anonymous answers
    # must leave nothing behind (docs/secret-ballots.md): deleted rows are overwritten with zeros
    # (secure_delete), the log is cut back to nothing whenever it starts over (journal_size_limit, so no
    # stale page lingers at its end), and temporary data stays in memory instead of temporary files.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA secure_delete=ON; PRAGMA journal_size_limit=0; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The pages' cached results (klynge.quality.cache) live in the database, shared by every web process and
# host; keys carry the data's version, so nothing is ever stale. The table is made by a migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "klynge_cache",
        "OPTIONS": {"MAX_ENTRIES": 50000, "CULL_FREQUENCY": 4},
    }
}

AUTH_USER_MODEL = "core.Person"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out identity or address before any password is checked.
    "klynge.core.throttling.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # OpenID Connect (MitID Erhverv through a broker); answers no one unless OIDC_RP_CLIENT_ID is set.
    "klynge.core.oidc.BrokerBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
REQUIRE_TWO_FACTOR_FOR_STAFF = env_bool("REQUIRE_TWO_FACTOR_FOR_STAFF")

# Two-factor login (django-otp): TOTP apps and backup codes. Each failed code doubles the wait before
# the next try on that device (1, 2, 4, ... seconds), and a used code cannot be used again.
OTP_TOTP_ISSUER = "Klynge"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
BACKUP_CODE_COUNT = 10


def _webauthn_site() -> tuple[str, str]:
    """The relying party id and origin passkeys are bound to, from SITE_URL.

    Browsers refuse an IP address as a relying party, so a development server at 127.0.0.1 offers
    passkeys on `localhost` (same port) instead.
    """
    site = urlsplit(SITE_URL)
    host = site.hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host, f"{site.scheme}://{site.netloc}"
    return "localhost", f"{site.scheme}://localhost" + (f":{site.port}" if site.port else "")


# Passkeys (django-otp-webauthn) as a second factor only: a passkey never replaces the password. A
# passkey works only on the relying party id it was made for (and its subdomains): changing
# WEBAUTHN_RP_ID later makes every registered passkey useless.
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or _webauthn_site()[0]
OTP_WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Klynge")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS") or [_webauthn_site()[1]]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "klynge.core.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_TIMEOUT_SECONDS = 180
PASSKEYS_PER_PERSON = 10

# Lockouts (django-axes): failed passwords and failed codes count alike, keyed on the identity as
# Django's login normalises it (NFKC, case-folded) and on the client address. See core/throttling.py.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURES_PER_IDENTITY", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "klynge.core.throttling.LockoutHandler"
AXES_USERNAME_CALLABLE = "klynge.core.throttling.identity_of"
AXES_CLIENT_IP_CALLABLE = "klynge.core.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "klynge.core.throttling.lockout_response"
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# A success must not wipe failures: with it, one's own login from the same address would reset the
# count against someone else's account.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = True
AXES_VERBOSE = False

# A meeting invitation's answer link works this long after it was sent (and never after the meeting).
MEETING_LINK_MAX_AGE = int(os.environ.get("MEETING_LINK_MAX_AGE_DAYS", "90")) * 24 * 3600

# Login through an OpenID Connect broker (MitID Erhverv); see docs/deployment.md. Off unless a client id
# is given; password login works either way.
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "MitID Erhverv")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_CALLBACK_CLASS = "klynge.core.oidc.CallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/log-ind/"

# Mail that anyone can trigger (password reset, invitations) is limited per address and per client.
MAIL_LIMIT_PER_ADDRESS = os.environ.get("MAIL_LIMIT_PER_ADDRESS", "3/h")
MAIL_LIMIT_PER_CLIENT = os.environ.get("MAIL_LIMIT_PER_CLIENT", "20/h")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
# Invitation and reset links live three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Sessions expire after 12 hours without use.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "da"
# Only languages whose catalogue translates every marked text are offered (tests/test_translations.py).
# English returns when its catalogue is complete: add ("en", "English") here and to Person.language.
LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_COMPRESS", True)
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "br",
    "woff",
    "woff2",
    "eot",
    "map",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A spreadsheet is refused before it is unpacked when its contents would pass these (a 2 MB XLSX can
# unpack to gigabytes); large data sets come as CSV, which is streamed.
IMPORT_XLSX_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_XLSX_MAX_UNPACKED_MB", "100")) * 1_000_000
IMPORT_XLSX_MAX_ROWS = int(os.environ.get("IMPORT_XLSX_MAX_ROWS", "200000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Klynge <klynge@localhost>")
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
# A claimed message is not due again for this long: a worker that died mid-send leaves it for a retry then.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "600"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SERVED_OVER_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 31536000 if SERVED_OVER_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SERVED_OVER_HTTPS
SECURE_HSTS_PRELOAD = SERVED_OVER_HTTPS
SECURE_SSL_REDIRECT = SERVED_OVER_HTTPS and env_bool("SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports each step of a PDF and fontTools each subset font at INFO: an export
        # prints nothing but its result.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FORM_RENDERER = "klynge.core.forms_renderer.KlyngeFormRenderer"
