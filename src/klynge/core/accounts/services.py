"""Writes to a person's second-factor devices (django-otp's apps and backup codes, passkeys), one
transaction each."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ..models import Person
from ..services import ServiceError
from . import selectors

APP_DEVICE_NAME = "Autentificerings-app"
BACKUP_DEVICE_NAME = "Backupkoder"


def verify_second_factor(person: Person, code: str):
    """The device that accepts `code`, or None; wrong codes count against that device's throttle.

    A six-digit code is tried on the person's authenticator apps, anything else on the backup codes,
    so that a wrong code never throttles a device it was not meant for. The device row is locked
    while it is checked, so that one code cannot pass twice in two parallel requests.
    """
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=person, confirmed=True).order_by("pk"):
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                return device
    return None


@transaction.atomic
def backup_codes_create(*, person: Person) -> list[str]:
    """A new set of backup codes (the old ones stop working); shown once, stored only in django-otp."""
    device, _ = StaticDevice.objects.get_or_create(
        user=person, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def app_device_pending(*, person: Person, device_id: int | None) -> TOTPDevice:
    """The not yet confirmed app device whose key the set-up page shows (one per person): the one the
    session names, else a new one in place of any other."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False, pk=device_id).first()
    if device is None:
        TOTPDevice.objects.filter(user=person, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=person, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def app_device_confirm(*, device: TOTPDevice, code: str) -> TOTPDevice | None:
    """The app device, confirmed, when the code is right; else None. The row is locked while the
    code is checked, so that one code confirms once."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def second_factors_delete(*, person: Person) -> None:
    """Removes every device of the person: apps, backup codes and passkeys."""
    for device in django_otp.devices_for_user(person, confirmed=None):
        device.delete()


@transaction.atomic
def passkey_rename(*, person: Person, passkey_id: int, name: str) -> WebAuthnCredential:
    passkey = selectors.passkeys_of(person).select_for_update().get(pk=passkey_id)
    passkey.name = name
    passkey.save(update_fields=["name"])
    return passkey


@transaction.atomic
def passkey_remove(*, person: Person, passkey_id: int) -> bool:
    """Removes one of the person's passkeys; True when no second factor is left (backup codes alone are
    none: they go too). Refused when the person must use two-factor and it is their last one."""
    passkey = selectors.passkeys_of(person).select_for_update().get(pk=passkey_id)
    others = selectors.passkeys_of(person).exclude(pk=passkey.pk).exists()
    others = others or selectors.app_devices_of(person).exists()
    if not others and selectors.two_factor_required(person):
        raise ServiceError(
            "Du skal bruge totrinsbekræftelse. Tilføj en anden adgangsnøgle eller en app, før du fjerner den sidste."
        )
    passkey.delete()
    if not others:
        StaticDevice.objects.filter(user=person).delete()
    return not others
