"""Restarting the server loses nothing: a logged-in session and the mail waiting in the outbox survive
a restart of gunicorn, because the web processes keep no state of their own."""

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

SETUP = """
import django
django.setup()
from klynge.core import services
from klynge.core.models import Role
cluster = services.cluster_create(name="Genstartklyngen", slug="genstart", region="hovedstaden")
chair = services.person_invite(cluster=cluster, email="formand@genstart.dk", name="Formand", role=Role.CHAIR,
                               send_mail=False)
chair.set_password("en-god-adgangskode-42")
chair.save()
"""
COUNT_MAIL = "import django; django.setup(); from klynge.core.models import OutboxMessage; print(OutboxMessage.objects.count())"


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
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - loopback
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("gunicorn did not start")


def test_a_restart_keeps_sessions_and_the_outbox(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klynge.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'klynge.sqlite3'}",
        "KLYNGE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "restart-test-secret-key",
    }
    subprocess.run([sys.executable, "-m", "klynge.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)
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
    waiting = subprocess.run(
        [sys.executable, "-c", COUNT_MAIL], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    assert waiting == "1"
