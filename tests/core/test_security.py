"""Attacks and faults tried against the foundation: each test tries one and checks the outcome."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from klynge.core.markup import render_markdown
from klynge.core.models import ApiToken, AuditEvent, Person, Practice, RoleAssignment
from klynge.core.privacy import person_erase, person_export
from klynge.core.services import api_token_create, practice_create
from klynge.meetings.models import Attendance
from klynge.meetings.services import attendance_check_in, meeting_create
from tests.factories import PASSWORD


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "klynge.settings",
        "SECRET_KEY": "a-long-random-secret-key-for-the-deploy-check-" + "x" * 40,
        "SITE_URL": "https://klynge.example.dk",
        "ALLOWED_HOSTS": "klynge.example.dk",
        "KLYNGE_VAR_DIR": str(tmp_path),
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "klynge.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_headers_forbid_inline_scripts_and_framing(client, world):
    client.force_login(world.member)
    response = client.get(f"/k/{world.cluster.slug}/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert "<script>" not in html and ' style="' not in html


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_expires(client, world):
    response = client.post("/log-ind/", {"username": world.member.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and int(cookie["max-age"]) == 12 * 3600


@pytest.mark.django_db
def test_cluster_can_require_two_factor_for_the_board(client, world):
    world.cluster.require_two_factor_for_board = True
    world.cluster.save()
    client.force_login(world.chair)
    assert client.get(f"/k/{world.cluster.slug}/")["Location"] == "/profil/totrin/"
    client.force_login(world.member)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200


@pytest.mark.django_db
def test_reset_and_invitation_links_expire_and_work_once(world, settings):
    class Later(PasswordResetTokenGenerator):
        def _now(self):
            return dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    token = PasswordResetTokenGenerator().make_token(world.member)
    assert PasswordResetTokenGenerator().check_token(world.member, token)
    assert not Later().check_token(world.member, token)
    world.member.set_password("en-helt-ny-adgangskode")
    world.member.save()
    assert not PasswordResetTokenGenerator().check_token(world.member, token)


@pytest.mark.django_db
def test_changes_are_audited_and_only_the_board_reads_the_log(client, world):
    client.force_login(world.chair)
    client.post(
        f"/k/{world.cluster.slug}/praksis/{world.practice.pk}/ret/",
        {
            "name": "Lægerne på Torvet",
            "address": "Torvet 1",
            "postal_code": "",
            "city": "Kolding",
            "listed_patients": "4200",
            "listed_patients_date": "",
        },
    )
    event = AuditEvent.objects.filter(model="core.Practice", action="update").latest("at")
    assert event.actor == world.chair and event.cluster == world.cluster
    assert event.changes["city"] == ["", "Kolding"] and event.changes["listed_patients"] == [None, 4200]
    page = client.get(f"/k/{world.cluster.slug}/log/").content.decode()
    assert "Kolding" in page and "Formand Frida" in page
    client.force_login(world.member)
    assert client.get(f"/k/{world.cluster.slug}/log/").status_code == 403


def test_markdown_is_sanitised():
    html = render_markdown(
        "**fed** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>fed</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


@pytest.mark.django_db
def test_database_going_away_mid_request_gives_503_and_writes_nothing(client, world):
    client.force_login(world.chair)
    client.raise_request_exception = False
    inserts = []

    def fail_on_second_insert(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "core_auditevent" not in sql:
            inserts.append(sql)
            if len(inserts) == 2:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    before = (Practice.objects.count(), Person.objects.count())
    upload = "ydernummer;praksis;navn;e-mail;rolle\n555555;Ny Klinik;Ny Læge;ny@example.dk;medlem\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with connection.execute_wrapper(fail_on_second_insert):
        response = client.post(
            f"/k/{world.cluster.slug}/personer/import/",
            {"file": SimpleUploadedFile("f.csv", upload.encode())},
        )
    assert response.status_code == 503
    assert "midlertidigt utilgængelig" in response.content.decode()
    assert (Practice.objects.count(), Person.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path):
    from tests.factories import ClusterFactory

    cluster = ClusterFactory(name="Backupklyngen")
    practice_create(cluster=cluster, name="Før backup", provider_number="246810")
    backup = tmp_path / "klynge.backup"
    call_command("backup", str(backup))
    practice_create(cluster=cluster, name="Efter backup", provider_number="135791")
    Practice.objects.filter(name="Før backup").update(name="Ændret")
    call_command("restore", str(backup))
    names = set(Practice.objects.values_list("name", flat=True))
    assert names == {"Før backup"}


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    from django.core.management.base import CommandError

    bogus = tmp_path / "bogus"
    bogus.write_text("ikke en backup")
    with pytest.raises(CommandError):
        call_command("restore", str(bogus))


@pytest.mark.django_db
def test_person_data_export_and_erasure(client, world):
    meeting = meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Møde",
        venue_name="Lægehuset",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    attendance_check_in(meeting=meeting, person=world.member)
    api_token_create(person=world.member, name="min nøgle")
    client.force_login(world.member)
    response = client.get("/profil/mine-data/")
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert data["person"]["email"] == world.member.email
    assert any(r["role"] == "medlem" for r in data["records"]["core.RoleAssignment.person"])
    assert len(data["records"]["meetings.Attendance.person"]) == 1
    assert "digest" not in str(data)

    response = client.post("/profil/slet/", {"password": PASSWORD})
    assert response.status_code == 302
    erased = Person.objects.get(pk=world.member.pk)
    assert erased.name == "Slettet person" and world.member.email not in erased.email
    assert not erased.is_active and not erased.has_usable_password()
    assert Attendance.objects.filter(person=erased).count() == 1
    assert RoleAssignment.objects.filter(person=erased).exists()
    assert not ApiToken.objects.filter(person=erased).exists()
    assert not client.login(username=world.member.email, password=PASSWORD)
    assert person_export(person=erased)["person"]["name"] == "Slettet person"


@pytest.mark.django_db
def test_erasure_keeps_the_audit_log_free_of_the_name(world):
    practice_create(cluster=world.cluster, name="X", provider_number="112233")
    person_erase(person=world.member)
    assert not AuditEvent.objects.filter(object_repr__contains="Medlem Mona").exists()


def test_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    """What `make run` does before serving: every file the stylesheets name must exist."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "klynge.settings",
        "KLYNGE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "collectstatic-test-key",
        "STATIC_COMPRESS": "false",  # the references are what is checked; compression only takes time
    }
    result = subprocess.run(
        [sys.executable, "-m", "klynge.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_rows_that_must_not_name_a_voter_or_respondent_are_never_audited():
    from django.apps import apps

    from klynge.core.audit import is_audited

    for label in (
        "decisions.Ballot",
        "decisions.BallotChoice",
        "decisions.BallotCount",
        "decisions.Turnout",
        "decisions.Entitlement",
        "surveys.Response",
        "surveys.Answer",
        "surveys.Participation",
    ):
        assert not is_audited(apps.get_model(label)), label
    for label in ("core.Practice", "meetings.Meeting", "decisions.Decision", "projects.Project"):
        assert is_audited(apps.get_model(label)), label


@pytest.mark.django_db
def test_a_used_session_is_renewed_only_when_half_its_age_is_gone(client, world):
    from django.contrib.sessions.models import Session

    client.post("/log-ind/", {"username": world.member.email, "password": PASSWORD})
    key = client.session.session_key
    client.get(f"/k/{world.cluster.slug}/")  # remembers that two-factor login is not required
    response = client.get(f"/k/{world.cluster.slug}/")
    assert "sessionid" not in response.cookies  # a fresh session is not written on every page
    session = client.session
    session["klynge_session_renewed"] -= 7 * 3600  # as if the last renewal were seven hours ago
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(hours=5))
    response = client.get(f"/k/{world.cluster.slug}/")
    assert response.cookies["sessionid"]["max-age"] == 12 * 3600
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + dt.timedelta(hours=11)
