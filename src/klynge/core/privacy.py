"""A person's rights: their data exported on request, and erased on request.

Erasure anonymises instead of deleting where the cluster must keep the record (attendance lists PLO
needs, decisions, roles on the board at the time): those rows stay, but point at a person with no
name, e-mail, phone or login. See docs/privacy.md for what is kept and for how long.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import django_otp
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Replace

from .models import ApiToken, OutboxMessage, Person
from .throttling import normalise_identity

ERASED_NAME = "Slettet person"
PERSONAL_FIELDS = (
    "email",
    "name",
    "title",
    "practice",
    "phone",
    "language",
    "is_active",
    "is_staff",
    "date_joined",
    "last_login",
)


def _plain(value):
    if isinstance(value, dt.datetime | dt.date | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def _rows_pointing_at(person: Person):
    """(model label, field name, queryset) for every foreign key to Person in every app."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Person and model is not Person:
                yield model._meta.label, field.name, model._default_manager.filter(**{field.name: person})


def person_export(*, person: Person) -> dict:
    """Everything Klynge holds about the person, as plain JSON-ready data."""
    data = {"person": {name: _plain(getattr(person, name)) for name in PERSONAL_FIELDS}, "records": {}}
    hidden = {"password", "digest", "key", "token"}
    for label, field_name, rows in _rows_pointing_at(person):
        if label == "core.AuditEvent":
            continue
        for row in rows:
            record = {
                f.attname: _plain(getattr(row, f.attname))
                for f in row._meta.concrete_fields
                if f.attname not in hidden
            }
            data["records"].setdefault(f"{label}.{field_name}", []).append(record)
    data["mail"] = list(
        OutboxMessage.objects.filter(to__iexact=person.email).values("created_at", "subject", "status")
    )
    for message in data["mail"]:
        message["created_at"] = str(message["created_at"])
    return data


@transaction.atomic
def person_erase(*, person: Person) -> Person:
    """Anonymises the person; rows the cluster must keep now point at an anonymous person."""
    email, name = person.email, person.name
    ApiToken.objects.filter(person=person).delete()
    _forget_logins(email=email, person=person)
    OutboxMessage.objects.filter(to__iexact=email).delete()
    person.name = ERASED_NAME
    person.email = f"slettet-{person.pk}@slettet.invalid"
    person.phone = ""
    person.practice = None
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.oidc_subject = ""
    person.set_unusable_password()
    person.save()
    # The audit log kept the person's name on earlier events; the erased person's name goes there too.
    from .models import AuditEvent

    AuditEvent.objects.filter(actor=person).update(actor_name=ERASED_NAME)
    AuditEvent.objects.filter(model="core.Person", object_id=str(person.pk)).update(
        object_repr=ERASED_NAME, changes={}
    )
    if name:
        AuditEvent.objects.filter(object_repr__contains=name).update(
            object_repr=Replace("object_repr", Value(name), Value(ERASED_NAME))
        )
    return person


def _forget_logins(*, email: str, person: Person) -> None:
    """Login attempts (django-axes) and second factors (django-otp) name the person: they go."""
    identity = normalise_identity(email)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in={identity, email}).delete()
    for device in django_otp.devices_for_user(person, confirmed=None):
        device.delete()
