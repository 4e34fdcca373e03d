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
import inspect
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
    "decisions.motion_deadline",
    "decisions.ballots_random_order",
    "decisions.poll_outcome",
    "meetings.proposal_deadline",
    "meetings.notice_deadline",
    "meetings.check_proposal_deadline",
    "meetings.answer_token",
    "meetings.invitation_from_token",
    "meetings.answer_link",
    "surveys.question_has_answers",
    "surveys.recipients",
    "surveys.answer_token",
    "surveys.answer_link",
    "surveys.invitation_from_token",
    "surveys.pending_invitations",
    "surveys.surveys_due_for_reminder",
    "surveys.has_answered",
    "surveys.agenda_supported",
    "quality.prescriptions_aggregate",
    "quality.is_whole",
}

# (service, model) pairs whose writes may leave no row naming that model, and why that is no gap.
EXCUSED: dict[tuple[str, str], str] = {
    ("meetings.document_version_add", "meetings.Document"): "only the document's `updated_at` is "
    "touched (not a change the log shows); the new version itself is logged in the same call",
}
# Models that are written as a side effect by every kind of call and are not cluster data.
BOOKKEEPING = {"core.OutboxMessage", "core.ApiToken", "core.RateCounter", "core.AuditEvent"}


def service_functions() -> dict[str, object]:
    found = {}
    for app in APPS:
        module = importlib.import_module(f"klynge.{app}.services")
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
    """Services the demo builder does not use, called once each with plain arguments."""
    from klynge.core import services as core

    practice = world.practice
    core.practice_update(practice=practice, city="Vejle")
    core.cluster_update(cluster=world.cluster, website="https://klynge.example.dk")
    core.membership_set_status(
        membership=practice.memberships.get(cluster=world.cluster),
        status="suspended",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 6, 1),
    )
    core.person_update(cluster=world.cluster, person=world.member, phone="12345678")
    core.person_move(cluster=world.cluster, person=world.member, practice=world.practice)
    core.role_end(
        assignment=core.role_assign(cluster=world.cluster, person=world.member, role=Role.TREASURER)
    )
    core.person_deactivate(cluster=world.cluster, person=world.alternate)
    core.practice_deactivate(cluster=world.cluster, practice=world.other_practice)


@pytest.mark.django_db
def test_every_service_that_writes_leaves_an_audit_row(world):
    from klynge.demo.builder import load_demo

    with witnessed() as witness:
        load_demo()
        run_the_rest(world)
    assert not witness.problems, "\n".join(witness.problems)
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
