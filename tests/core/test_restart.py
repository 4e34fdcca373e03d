"""Restarting the server loses nothing: a logged-in session and the mail waiting in the outbox survive
a restart of gunicorn, because the web processes keep no state of their own.

gunicorn serves the test database itself (SQLite or PostgreSQL, whichever the suite runs on), so the
test needs no migrations of its own; it commits, and pytest-django empties the tables afterwards.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from klynge.core import services
from klynge.core.models import OutboxMessage, Role


def database_url() -> str:
    """The URL of the test database this worker's connection uses, for a process started by the test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env, workers: int = 1):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "klynge.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base)
    return process, base


def wait_until_serving(process, base: str, tries: int = 150) -> None:
    """Waits for /healthz to answer; kills the server and fails the test if it never does."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("gunicorn did not start")


def test_a_restart_keeps_sessions_and_the_outbox(transactional_db, tmp_path):
    cluster = services.cluster_create(name="Genstartklyngen", slug="genstart", region="hovedstaden")
    chair = services.person_invite(
        cluster=cluster, email="formand@genstart.dk", name="Formand", role=Role.CHAIR, send_mail=False
    )
    chair.set_password("en-god-adgangskode-42")
    chair.save()
    assert not OutboxMessage.objects.exists()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klynge.settings_test",
        "DATABASE_URL": database_url(),
        "KLYNGE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "restart-test-secret-key",
    }
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(url, data, csrf_from):
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', opener.open(csrf_from).read().decode()
        )
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": csrf_from})
        return opener.open(request)

    process, base = serve(env)
    try:
        post(
            base + "/log-ind/",
            {"username": "formand@genstart.dk", "password": "en-god-adgangskode-42"},
            base + "/log-ind/",
        )
        post(
            base + "/k/genstart/personer/inviter/",
            {"name": "Ny Læge", "email": "ny@genstart.dk", "title": "praktiserende_laege", "role": "medlem"},
            base + "/k/genstart/personer/inviter/",
        )
    finally:
        process.terminate()
        process.wait(timeout=20)

    process, base = serve(env)
    try:
        page = opener.open(base + "/k/genstart/personer/")
        assert page.geturl().endswith("/k/genstart/personer/"), "the session was lost"
        assert "Ny Læge" in page.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert OutboxMessage.objects.count() == 1
