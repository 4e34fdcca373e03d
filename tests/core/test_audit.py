"""The audit log misses nothing: every service that writes leaves an audit row for each kind of row it
changed, whichever way the change was written (save, delete, bulk update, bulk insert), and whoever
asked for it (a browser session, a Bearer token, a command).

The walk: every public function of every app's services module is wrapped; the demo builder (which
uses nearly every service to build two clusters' years) and a table of the services it does not use
run under a witness that reads the SQL itself. For each service call, every table of an audited model
that an INSERT, UPDATE or DELETE touched must have an audit row naming that model, written in the
same call. The exceptions are listed below with the reason for each.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import inspect
import pkgutil
import re
from collections import defaultdict
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from klynge.core import audit
from klynge.core.models import AuditEvent, Role, RoleAssignment
from klynge.core.services import api_token_create, practice_deactivate

APPS = ["core", "meetings", "decisions", "projects", "surveys", "quality", "reports"]
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

# Public functions of the services modules that never write (helpers, reads, computations).
NOT_WRITING = {
    "core.normalise_email",
    "core.site_link",
    "core.password_link_for",
    "core.decode_text_file",
    "core.connection_supports_skip_locked",
    "decisions.poll_outcome",
    "meetings.proposal_deadline",
    "meetings.notice_deadline",
    "meetings.check_proposal_deadline",
    "meetings.proposal_deadline_passed",
    "meetings.answer_token",
    "meetings.invitation_from_token",
    "meetings.invitation_from_expired_token",
    "meetings.answer_link",
    "surveys.question_has_answers",
    "surveys.recipients",
    "surveys.answer_token",
    "surveys.answer_link",
    "surveys.invitation_from_token",
    "surveys.pending_invitations",
    "surveys.surveys_due_for_reminder",
    "quality.is_whole",
}

# (service, model) pairs whose writes may leave no row naming that model, and why that is no gap.
EXCUSED: dict[tuple[str, str], str] = {
    ("meetings.document_version_add", "meetings.Document"): "only the document's `updated_at` is "
    "touched (not a change the log shows); the new version itself is logged in the same call",
    # Imports write up to millions of values a year straight to the database (a row of audit per value
    # would double the largest table); each import's ImportLog row, logged in the same call, names
    # who imported which file (with its SHA-256), how many values were new or replaced, and the
    # replaced values themselves. On SQLite the values go through the DB-API connection, which the
    # witness cannot see; on PostgreSQL it sees them, hence these entries.
    ("quality.measurements_import", "quality.Measurement"): "values of an import: see its ImportLog",
    ("quality.prescriptions_import", "quality.Measurement"): "values of an import: see its ImportLog",
}
# Models that are written as a side effect by every kind of call and are not cluster data.
BOOKKEEPING = {"core.OutboxMessage", "core.ApiToken", "core.RateCounter", "core.AuditEvent"}


def services_modules(app: str) -> list:
    """The app's services module and those of its parts (klynge.projects.rounds.services)."""
    package = importlib.import_module(f"klynge.{app}")
    names = [f"klynge.{app}.services"] + [
        info.name + ".services"
        for info in pkgutil.iter_modules(package.__path__, f"klynge.{app}.")
        if info.ispkg and importlib.util.find_spec(info.name + ".services") is not None
    ]
    return [importlib.import_module(name) for name in names]


def service_functions() -> dict[str, object]:
    found = {}
    for app in APPS:
        for module in services_modules(app):
            for name, function in vars(module).items():
                if (
                    not name.startswith("_")
                    and inspect.isfunction(function)
                    and function.__module__ == module.__name__
                ):
                    found[f"{app}.{name}"] = (module, name, function)
    return found


def table_models() -> dict[str, str]:
    return {m._meta.db_table: m._meta.label for m in apps.get_models()}


class Witness:
    """Records, per outermost service call, the audited tables written and the audit rows' models."""

    def __init__(self):
        self.depth = 0
        self.current = None
        self.calls = defaultdict(int)
        self.problems = []
        self.tables = table_models()
        self.labels = {m._meta.label: m for m in apps.get_models()}

    def sql(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self.current is not None:
            match = WRITE.match(sql)
            # An UPDATE or DELETE that touched no row changed nothing. (An INSERT ... RETURNING reports
            # no row count on SQLite until its rows are read, so inserts always count.)
            touched = sql.lstrip()[:6].upper() == "INSERT" or context["cursor"].rowcount != 0
            if match and touched:
                label = self.tables.get(match.group(1))
                if label == "core.AuditEvent":
                    flat = [p for row in (params if many else [params]) for p in (row or ())]
                    self.current["audited"].update(p for p in flat if isinstance(p, str) and p in self.labels)
                elif label and label not in BOOKKEEPING and audit.is_audited(self.labels[label]):
                    self.current["written"].add(label)
        return result

    def wrap(self, qualified, function):
        witness = self

        def wrapper(*args, **kwargs):
            witness.calls[qualified] += 1
            if witness.depth:
                witness.depth += 1
                try:
                    return function(*args, **kwargs)
                finally:
                    witness.depth -= 1
            witness.depth = 1
            witness.current = {"written": set(), "audited": set()}
            try:
                return function(*args, **kwargs)
            finally:
                record, witness.current, witness.depth = witness.current, None, 0
                for label in sorted(record["written"] - record["audited"]):
                    if (qualified, label) not in EXCUSED:
                        witness.problems.append(f"{qualified} wrote {label} and left no audit row for it")

        return wrapper


@contextmanager
def witnessed():
    witness = Witness()
    originals = []
    for qualified, (module, name, function) in service_functions().items():
        originals.append((module, name, function))
        setattr(module, name, witness.wrap(qualified, function))
    # Modules that imported a service by name call it through their own globals: wrap those too.
    wrapped = {id(f): getattr(m, n) for m, n, f in originals}
    patched = []
    for app in [*APPS, "demo"]:
        for module_name in list(importlib.sys.modules):
            if module_name.startswith(f"klynge.{app}") and not module_name.endswith(".services"):
                module = importlib.sys.modules[module_name]
                for attr, value in list(vars(module).items()):
                    if id(value) in wrapped:
                        patched.append((module, attr, value))
                        setattr(module, attr, wrapped[id(value)])
    try:
        with connection.execute_wrapper(witness.sql):
            yield witness
    finally:
        for module, name, function in originals + patched:
            setattr(module, name, function)


def run_the_rest(world):
    """Services the demo builder does not use, each called once on the demo's and the world's rows.

    Returns the calls that raised: a domain rule may refuse a call (that writes nothing, which the
    witness then also checks), but the walk must reach the writing path of most of them.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from klynge.core import services as core
    from klynge.core.accounts import services as accounts
    from klynge.decisions import services as decisions
    from klynge.meetings import services as meetings
    from klynge.meetings.models import AgendaItem, ClusterPackage, Meeting, MeetingGuest
    from klynge.projects import services as projects
    from klynge.projects.models import Project, RotationPlan
    from klynge.projects.rounds import services as rounds
    from klynge.quality import services as quality
    from klynge.reports import selectors as report_selectors
    from klynge.reports import services as reports
    from klynge.reports.models import AnnualReport
    from klynge.surveys import services as surveys
    from klynge.surveys.models import Question, Survey

    cluster, chair, member = world.cluster, world.chair, world.member
    now = timezone.now()
    meeting = meetings.meeting_create(
        cluster=cluster,
        kind="generalforsamling",
        title="Generalforsamling",
        venue_name="Lægehuset",
        starts_at=now + dt.timedelta(days=60),
        ends_at=now + dt.timedelta(days=60, hours=2),
    )
    idea_round = rounds.round_create(cluster=cluster, title="Idérunde")
    idea = rounds.idea_submit(round=idea_round, person=member, title="En idé")
    rounds.dot_add(round=idea_round, idea=idea, person=member)
    rounds.signup_add(round=idea_round, idea=idea, person=member)

    def passkey():
        import os

        from django_otp_webauthn.models import WebAuthnCredential

        return WebAuthnCredential.objects.create(
            user=chair,
            name="Nøgle",
            confirmed=True,
            credential_id=os.urandom(16),
            public_key=b"key",
            transports=[],
            aaguid="00000000-0000-0000-0000-000000000000",
        )

    def new_motion(title):
        return decisions.motion_create(
            cluster=cluster, meeting=meeting, title=title, text="Tekst", submitter=member
        )

    def new_poll():
        return decisions.poll_create(cluster=cluster, question="Vedtages det?", meeting=meeting)

    def project():
        return Project.objects.order_by("pk").first()

    def draft_plan():
        plan = RotationPlan.objects.filter(status="draft").first()
        return plan or projects.rotation_propose(cluster=project().cluster)

    calls = [
        lambda: core.practice_update(practice=world.practice, city="Vejle"),
        lambda: core.cluster_update(cluster=cluster, website="https://klynge.example.dk"),
        lambda: core.membership_set_status(
            membership=world.practice.memberships.get(cluster=cluster),
            status="suspended",
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 6, 1),
        ),
        lambda: core.person_update(cluster=cluster, person=member, phone="12345678"),
        lambda: core.person_move(cluster=cluster, person=member, practice=world.practice),
        lambda: core.role_end(
            assignment=core.role_assign(cluster=cluster, person=member, role=Role.TREASURER)
        ),
        lambda: core.person_deactivate(cluster=cluster, person=world.alternate),
        lambda: core.api_token_touch(token=core.api_token_create(person=chair, name="brugt")[0]),
        lambda: accounts.passkey_rename(person=chair, passkey_id=passkey().pk, name="Min nøgle"),
        lambda: accounts.passkey_remove(person=chair, passkey_id=passkey().pk),
        lambda: core.api_token_revoke(
            person=chair, token_id=core.api_token_create(person=chair, name="x")[0].pk
        ),
        lambda: core.outbox_send_due(),
        lambda: core.people_import_csv(
            cluster=cluster,
            raw="ydernummer;praksis;navn;e-mail;rolle\n424242;Ny Klinik;Ny Læge;nylaege@example.dk;medlem\n".encode(),
        ),
        lambda: core.membership_update(
            membership=world.practice.memberships.get(cluster=cluster), joined_on=dt.date(2015, 1, 1)
        ),
        lambda: core.profile_update(person=member, phone="87654321"),
        lambda: decisions.motion_attachment_add(
            motion=new_motion("Med bilag"), name="bilag.pdf", content=b"%PDF-1.4\n"
        ),
        # A vote held before Klynge, recorded with its counts (no ballots, the counts as a secret poll's).
        lambda: decisions.poll_record(
            cluster=cluster,
            question="Holdt på papir?",
            counts={"yes": 1, "no": 1},
            secret=True,
            decided_on=now.date() - dt.timedelta(days=30),
            by=chair,
        ),
        lambda: decisions.motion_place_on_agenda(motion=new_motion("Til dagsordenen")),
        lambda: decisions.motion_withdraw(motion=new_motion("Trækkes tilbage")),
        lambda: decisions.poll_update(poll=new_poll(), question="Nyt spørgsmål?"),
        lambda: decisions.proxy_register(poll=new_poll(), giver=member, holder=chair),
        lambda: decisions.poll_close_if_due(
            poll=decisions.poll_open(
                poll=decisions.poll_create(
                    cluster=cluster, question="Online?", closes_at=now + dt.timedelta(days=1)
                )
            ),
            now=now + dt.timedelta(days=2),
        ),
        lambda: decisions.polls_close_due(now=now + dt.timedelta(days=3650)),
        lambda: meetings.agenda_proposal_add(meeting=meeting, title="Nyt forslag"),
        lambda: meetings.agenda_item_move(
            item=AgendaItem.objects.filter(meeting=meeting).last(), direction=-1
        ),
        lambda: meetings.agenda_item_delete(item=AgendaItem.objects.filter(meeting=meeting).last()),
        lambda: meetings.attendance_check_out(
            meeting=meeting, person=meetings.attendance_check_in(meeting=meeting, person=member).person
        ),
        lambda: meetings.calendar_feed_revoke(person=meetings.calendar_feed_create(person=member).person),
        lambda: meetings.guest_remove(guest=MeetingGuest.objects.last()),
        lambda: meetings.package_update(package=ClusterPackage.objects.first(), focus="Ny fokus"),
        lambda: meetings.package_attachment_add(
            package=ClusterPackage.objects.first(),
            title="Slides",
            upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4"),
        ),
        lambda: meetings.package_follow_up_order(
            cluster=cluster, package=ClusterPackage.objects.first(), ordered_on=dt.date.today()
        ),
        lambda: meetings.reminders_send(now=now),
        lambda: meetings.meeting_invite_all(meeting=meeting, send_mail=False),
        lambda: meetings.invitation_link_renew(invitation=meeting.invitations.first()),
        lambda: meetings.meeting_cancel(meeting=meeting),
        lambda: rounds.dot_remove(round=idea_round, idea=idea, person=member),
        lambda: rounds.signup_remove(round=idea_round, idea=idea, person=member),
        lambda: projects.project_member_add(project=project(), person=_outsider(project())),
        lambda: projects.project_member_remove(project=project(), person=_newest_member(project())),
        lambda: projects.project_set_lead(project=project(), person=_newest_member(project())),
        lambda: projects.project_reminders_run(today=dt.date.today() + dt.timedelta(days=800)),
        lambda: projects.followup_accept(project=Project.objects.exclude(followup_meeting=None).first()),
        lambda: projects.rotation_slot_move(
            plan=draft_plan(),
            slot=draft_plan().slots.first(),
            meeting=Meeting.objects.filter(cluster=draft_plan().cluster).last(),
        ),
        lambda: projects.settings_update(cluster=cluster, reminder_months=18),
        lambda: quality.cluster_open_data_set(cluster=cluster, open_data=True, reason="GF 2024", by=chair),
        lambda: quality.measurement_enter(
            indicator=quality.indicator_create(cluster=cluster, by=chair, name_da="Egen optælling"),
            practice=world.practice,
            period="2024",
            numerator=3,
            denominator=10,
            by=member,
        ),
        lambda: reports.annual_report_save(report=AnnualReport.objects.first(), text="Ny tekst"),
        lambda: reports.annual_report_regenerate(
            report=AnnualReport.objects.first(),
            take_new=True,
            seen_fingerprint=report_selectors.draft_for(
                cluster=AnnualReport.objects.first().cluster, year=AnnualReport.objects.first().year
            ).fingerprint,
        ),
        lambda: surveys.survey_update(survey=Survey.objects.filter(status="draft").first(), title="Ny titel"),
        lambda: surveys.question_update(
            question=Question.objects.filter(survey__status="draft").last(), text="Nyt spørgsmål?"
        ),
        lambda: surveys.question_move(
            question=Question.objects.filter(survey__status="draft").last(), direction="up"
        ),
        lambda: surveys.question_delete(question=Question.objects.filter(survey__status="draft").last()),
        lambda: surveys.survey_remind(
            survey=Survey.objects.exclude(sent_at=None).first(), now=now + dt.timedelta(days=30)
        ),
        lambda: surveys.survey_delete(survey=surveys.survey_create(cluster=cluster, title="Slet mig")),
        lambda: surveys.survey_record(
            survey=Survey.objects.exclude(sent_at=None).first(), answered=0, by=chair
        ),
        lambda: surveys.survey_record_answers(
            survey=Survey.objects.exclude(sent_at=None).first(), answered=1, by=chair
        ),
        lambda: core.practice_deactivate(cluster=cluster, practice=world.other_practice),
        # The second factor (django-otp's devices; the devices themselves are not cluster data).
        lambda: accounts.backup_codes_create(person=world.member),
        lambda: accounts.verify_second_factor(world.member, "not-a-code"),
        lambda: accounts.app_device_confirm(
            device=accounts.app_device_pending(person=world.member, device_id=None), code="000000"
        ),
        lambda: accounts.second_factors_delete(person=world.member),
    ]
    failures = []
    for call in calls:
        try:
            call()
        except Exception as error:  # noqa: BLE001 - reported by the test
            failures.append(f"{call.__code__.co_firstlineno}: {type(error).__name__}: {error}")
    return failures


def _newest_member(project):
    from klynge.core.models import Person

    return Person.objects.get(pk=project.members.filter(is_lead=False).order_by("pk").last().person_id)


def _outsider(project, member=False):
    from klynge.core.models import RoleAssignment

    members = set(project.members.values_list("person_id", flat=True))
    people = RoleAssignment.objects.filter(cluster=project.cluster, role="medlem").values_list(
        "person_id", flat=True
    )
    chosen = [p for p in people if (p in members) == member]
    from klynge.core.models import Person

    return Person.objects.get(pk=chosen[-1])


@pytest.mark.django_db
def test_every_service_that_writes_leaves_an_audit_row(world):
    from klynge.demo.builder import load_demo

    with witnessed() as witness:
        load_demo()
        failures = run_the_rest(world)
    assert not witness.problems, "\n".join(witness.problems)
    # The demo leaves no draft rotation plan with slots and no survey open on that day: two calls are
    # refused by a rule of the domain (and write nothing, which the witness checked too).
    assert len(failures) <= 2, "\n".join(failures)
    services = service_functions()
    unexercised = sorted(set(services) - set(witness.calls) - NOT_WRITING)
    assert not unexercised, f"services no test walks (add them to run_the_rest): {unexercised}"


@pytest.mark.django_db
def test_the_witness_sees_a_bulk_change_that_leaves_no_row(world):
    """Control: with the bulk wrappers switched off, the walk reports practice_deactivate."""
    from django.db import models

    from klynge.core import services

    with witnessed() as witness:
        models.QuerySet.update = audit._original_update
        try:
            services.practice_deactivate(cluster=world.cluster, practice=world.other_practice)
        finally:
            models.QuerySet.update = audit._audited_update
    assert any("core.practice_deactivate wrote core.RoleAssignment" in p for p in witness.problems)


@pytest.mark.django_db
def test_bulk_role_ending_is_logged_with_the_actor(world):
    """Attack: practice_deactivate ended two roles and no audit row was written."""
    ended = list(
        RoleAssignment.objects.current().filter(cluster=world.cluster, person__practice=world.other_practice)
    )
    assert len(ended) == 2
    with audit.acting_as(world.chair):
        practice_deactivate(cluster=world.cluster, practice=world.other_practice, by=world.chair)
    rows = AuditEvent.objects.filter(model="core.RoleAssignment", action="update")
    assert {row.object_id for row in rows} == {str(a.pk) for a in ended}
    today = str(timezone.localdate())
    assert all(row.actor == world.chair and row.changes["ends_on"] == [None, today] for row in rows)


@pytest.mark.django_db
def test_changes_through_the_api_name_the_token_s_person(client, world):
    """Attack: changes made with a Bearer token were logged as »system« with no actor."""
    _, secret = api_token_create(person=world.chair, name="integration")
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/practices",
        data={"name": "Ny Klinik", "provider_number": "765432"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201
    rows = AuditEvent.objects.filter(
        model="core.Membership", action="create", object_repr__contains="Ny Klinik"
    )
    assert rows.count() == 1 and rows.get().actor == world.chair
    assert rows.get().actor_name == "Formand Frida"


@pytest.mark.django_db
def test_changes_through_the_web_name_the_person(client, world):
    client.force_login(world.chair)
    client.post(f"/k/{world.cluster.slug}/praksis/{world.other_practice.pk}/udmeld/")
    rows = AuditEvent.objects.filter(model="core.RoleAssignment", action="update")
    assert rows.count() == 2 and all(row.actor == world.chair for row in rows)


@pytest.mark.django_db
def test_secret_and_anonymous_rows_stay_out_of_bulk_logging_too():
    from klynge.decisions.models import Ballot

    assert not audit.is_audited(Ballot)
    before = AuditEvent.objects.count()
    Ballot.objects.filter(pk__in=[]).update()
    assert AuditEvent.objects.count() == before
