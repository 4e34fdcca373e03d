"""Reads about a person's second factor."""

from __future__ import annotations

import operator
from functools import reduce

import django_otp
from django.conf import settings
from django.db.models import Exists, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ..models import BOARD_ROLES, Person, RoleAssignment
from . import PENDING_KEY


def has_second_factor(person: Person) -> bool:
    """Whether the person has a confirmed device of any kind (app, backup codes, passkey).

    One query for all kinds (django-otp's `user_has_device` takes one per kind): the two-factor
    middleware asks this on the first page of every session."""
    kinds = [
        Exists(model.objects.devices_for_user(person, confirmed=True))
        for model in django_otp.device_classes()
    ]
    return Person.objects.filter(reduce(operator.or_, kinds), pk=person.pk).exists()


def has_app(person: Person) -> bool:
    """Whether the person has a confirmed authenticator app."""
    return app_devices_of(person).exists()


def has_backup_codes(person: Person) -> bool:
    return StaticDevice.objects.filter(user=person).exists()


def backup_codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person).count()


def backup_codes_left_on(device: StaticDevice) -> int:
    return StaticToken.objects.filter(device=device).count()


def two_factor_required(person: Person) -> bool:
    """Required for platform staff when the platform says so, and for board roles where the cluster does."""
    if person.is_staff and settings.REQUIRE_TWO_FACTOR_FOR_STAFF:
        return True
    return (
        RoleAssignment.objects.current()
        .filter(person=person, role__in=BOARD_ROLES, cluster__require_two_factor_for_board=True)
        .exists()
    )


def throttle_wait_seconds(person: Person) -> int:
    """Seconds until the person's devices accept another try (django-otp's doubling delay)."""
    waits = []
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=person, confirmed=True):
            allowed, extra = device.verify_is_allowed()
            if not allowed and extra.get("locked_until"):
                waits.append((extra["locked_until"] - timezone.now()).total_seconds())
    return int(max(waits)) + 1 if waits else 0


def pending_person(request) -> Person | None:
    """Who gave a correct password in this session and has yet to give the second factor."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    return Person.objects.filter(pk=pending["id"], is_active=True).first()


def app_devices_of(person: Person) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=person, confirmed=True)


def passkeys_of(person: Person) -> QuerySet[WebAuthnCredential]:
    return WebAuthnCredential.objects.filter(user=person, confirmed=True).order_by("created_at", "pk")


def passkey_names(person: Person) -> set[str]:
    """The names of all the person's passkeys, confirmed or not (a new one gets a free name)."""
    return set(WebAuthnCredential.objects.filter(user=person).values_list("name", flat=True))
