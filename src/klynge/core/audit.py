"""The audit log: every change to a cluster's data, with who made it and what changed.

Signal handlers record creates, updates and deletes of every model: a row that belongs to a cluster
(has a `cluster` field, or a foreign key to a model that has one) is logged for that cluster, where
the board reads it; a national row (the indicator catalogue, the package library, survey templates,
a person before their first role) is logged with no cluster, for the platform's staff. Writes that send no signals (a queryset's
`update()`, `bulk_create()` and `bulk_update()`) are recorded by wrappers around those three methods,
so that a bulk change in any service, present or future, is logged too (tests/core/test_audit.py
walks every service). Models whose rows must not say who did what (secret ballots, anonymous
answers) are never logged.

The acting person is read when the change is written, not when the request starts: the request's
user at that moment (so an API call authenticated by a Bearer token, which sets `request.user` in
the API's auth class, is logged with its person), or `acting_as()` in commands.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import math
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from .models import AuditEvent, Cluster, Membership, Person, Practice, RoleAssignment

_actor: contextvars.ContextVar = contextvars.ContextVar("klynge_audit_actor", default=None)
_request: contextvars.ContextVar = contextvars.ContextVar("klynge_audit_request", default=None)
_bulk_paused: contextvars.ContextVar = contextvars.ContextVar("klynge_audit_bulk_paused", default=False)

# Rows that must stay unlinkable to a person, and bookkeeping that is not cluster data.
NEVER_AUDITED_APPS = {
    "sessions",
    "admin",
    "contenttypes",
    "auth",
    "demo",
    "axes",
    "otp_totp",
    "otp_static",
    "django_otp_webauthn",
}
NEVER_AUDITED = {
    "core.AuditEvent",
    "core.RateCounter",
    "core.OutboxMessage",
    "core.ApiToken",
    # Which practice hides behind which pseudonym: a row is drawn when a practice joins, and logging it
    # would hand the board (and anyone reading a copy of the log) the key (docs/privacy.md).
    "quality.Pseudonym",
    # A random token that changes with the data so cached pages are never stale: no one's change.
    "quality.DataVersion",
}
# Lower-case model names that hold secret or anonymous content in any app.
# Who voted or answered, with its time, could be matched against ballots or anonymous answers: never logged.
SECRET_NAME_PARTS = (
    "ballot",
    "turnout",
    "entitlement",
    "participation",
    "anonymous",
    "response",
    "answer",
    "hasvoted",
    "hasanswered",
)
HIDDEN_FIELDS = {"password", "digest", "token", "key", "oidc_subject"}
# A row may also name fields whose values the log shows as HIDDEN_VALUE (`audit_hidden_fields`, an
# attribute or property of the instance): the change is logged, the figure is not. A practice's own
# counts, which may be small numbers hidden from everyone outside the practice, are such fields.
HIDDEN_VALUE = "skjult"


@contextmanager
def acting_as(person):
    token = _actor.set(person)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def bulk_writes_unaudited():
    """For generating synthetic data (demo/national.py) only: bulk inserts of made-up clusters are
    nobody's change. No service may use it; tests/core/test_audit.py walks every service."""
    token = _bulk_paused.set(True)
    try:
        yield
    finally:
        _bulk_paused.reset(token)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_actor():
    """Who is acting now: `acting_as()` if set, else the current request's authenticated user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def is_audited(model) -> bool:
    if model._meta.apps is not apps:
        return False  # a migration's historical model: schema and data migrations are no one's change
    label = model._meta.label
    if model._meta.app_label in NEVER_AUDITED_APPS or label in NEVER_AUDITED:
        return False
    name = model._meta.model_name
    return not any(part in name for part in SECRET_NAME_PARTS)


def _cluster_ids(instance) -> list[int]:
    """The clusters a row belongs to: its own cluster, its parent's, or (for national rows such as a
    practice or a person) every cluster that holds it."""
    if isinstance(instance, Cluster):
        return [instance.pk]
    if isinstance(instance, Practice):
        return list(Membership.objects.filter(practice=instance).values_list("cluster_id", flat=True))
    if isinstance(instance, Person):
        return list(
            RoleAssignment.objects.filter(person=instance).values_list("cluster_id", flat=True).distinct()
        )
    if getattr(instance, "cluster_id", None) is not None:
        return [instance.cluster_id]
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            if any(f.name == "cluster" for f in related._meta.concrete_fields):
                related_id = getattr(instance, field.attname)
                if related_id is not None:
                    found = (
                        related._default_manager.filter(pk=related_id)
                        .values_list("cluster_id", flat=True)
                        .first()
                    )
                    return [found] if found is not None else []
    return []


def _plain(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no infinity; a stored one must not stop the change being logged
    if isinstance(value, dt.datetime | dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "<binær>"
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    return value


def _snapshot(instance) -> dict:
    return {
        field.attname: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in HIDDEN_FIELDS
    }


def _masked(instance, changes: dict, action: str) -> dict:
    hidden = getattr(instance, "audit_hidden_fields", ())
    if not hidden:
        return changes
    masked = [HIDDEN_VALUE, HIDDEN_VALUE] if action == "update" else HIDDEN_VALUE
    return {name: masked if name in hidden else value for name, value in changes.items()}


def _record(instance, action: str, changes: dict, cluster_ids: list[int]) -> None:
    changes = _masked(instance, changes, action)
    actor = current_actor()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            cluster_id=cluster_id,
            actor=actor,
            actor_name=getattr(actor, "name", "") or ("system" if actor is None else str(actor)),
            action=action,
            model=instance._meta.label,
            object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            changes=changes,
        )
        for cluster_id in cluster_ids
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender) or instance.pk is None or instance._state.adding:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old) if old is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    cluster_ids = _cluster_ids(instance) or [None]
    after = _snapshot(instance)
    if created:
        _record(instance, "create", after, cluster_ids)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v and k != "updated_at"}
    if changes and not set(changes) <= {"last_login"}:
        _record(instance, "update", changes, cluster_ids)


def _post_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    _record(instance, "delete", _snapshot(instance), _cluster_ids(instance) or [None])


# Bulk writes ---------------------------------------------------------------------------------------

_original_update = models.QuerySet.update
_original_bulk_create = models.QuerySet.bulk_create
_original_bulk_update = models.QuerySet.bulk_update


def _audited_update(self, **kwargs):
    model = self.model
    if _bulk_paused.get() or not is_audited(model):
        return _original_update(self, **kwargs)
    fields = [model._meta.get_field(name) for name in kwargs]
    attnames = [field.attname for field in fields]
    before = {row["pk"]: row for row in self.values("pk", *attnames)}
    count = _original_update(self, **kwargs)
    if before:
        for instance in model._default_manager.filter(pk__in=list(before)):
            old = before[instance.pk]
            changes = {
                name: [_plain(old[name]), _plain(getattr(instance, name))]
                for name in attnames
                if name not in HIDDEN_FIELDS and old[name] != getattr(instance, name)
            }
            if changes:
                _record(instance, "update", changes, _cluster_ids(instance) or [None])
    return count


def _audited_bulk_create(self, objs, *args, **kwargs):
    created = _original_bulk_create(self, objs, *args, **kwargs)
    if is_audited(self.model) and not _bulk_paused.get():
        for instance in created:
            if instance.pk is not None:
                _record(instance, "create", _snapshot(instance), _cluster_ids(instance) or [None])
    return created


def _audited_bulk_update(self, objs, fields, *args, **kwargs):
    model = self.model
    if _bulk_paused.get() or not is_audited(model):
        return _original_bulk_update(self, objs, fields, *args, **kwargs)
    objs = list(objs)
    attnames = [model._meta.get_field(name).attname for name in fields]
    before = {
        row["pk"]: row
        for row in model._default_manager.filter(pk__in=[o.pk for o in objs]).values("pk", *attnames)
    }
    count = _original_bulk_update(self, objs, fields, *args, **kwargs)
    for instance in objs:
        old = before.get(instance.pk, {})
        changes = {
            name: [_plain(old.get(name)), _plain(getattr(instance, name))]
            for name in attnames
            if name not in HIDDEN_FIELDS and old.get(name) != getattr(instance, name)
        }
        if changes:
            _record(instance, "update", changes, _cluster_ids(instance) or [None])
    return count


def connect() -> None:
    pre_save.connect(_pre_save, dispatch_uid="klynge_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="klynge_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="klynge_audit_post_delete")
    # Django sends no signals for these; without the wrappers a bulk change would leave no trace.
    models.QuerySet.update = _audited_update
    models.QuerySet.bulk_create = _audited_bulk_create
    models.QuerySet.bulk_update = _audited_bulk_update


def audited_models() -> list[str]:
    return sorted(m._meta.label for m in apps.get_models() if is_audited(m))
