"""Settings for the test suite: the real database from DATABASE_URL, fast hashing, mail kept in memory."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
if "KLYNGE_VAR_DIR" not in os.environ:
    os.environ["KLYNGE_VAR_DIR"] = os.environ["KLYNGE_TEST_VAR_DIR"] = tempfile.mkdtemp(
        prefix="klynge-test-var-"
    )
# pytest-xdist workers inherit the run's temporary folder: each gets its own inside it, so the SQLite test
# database, uploads and collected static files of one worker never meet another's.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ["KLYNGE_VAR_DIR"] == os.environ.get("KLYNGE_TEST_VAR_DIR"):
    os.environ["KLYNGE_VAR_DIR"] = os.path.join(os.environ["KLYNGE_TEST_VAR_DIR"], _worker)
    os.makedirs(os.environ["KLYNGE_VAR_DIR"], exist_ok=True)
# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from klynge.settings import *  # noqa: E402,F403
from klynge.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["KLYNGE_VAR_DIR"], "test.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_AUTOREFRESH = True
