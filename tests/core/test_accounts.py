"""Attacks on logging in, tried the way an outsider would: through the login pages and the admin.

Each test names the attack of issue 15 it repeats; each failed on the code before django-otp/axes.
"""

import datetime as dt
import re
import time

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from klynge.core.models import OutboxMessage
from klynge.core.services import ServiceError, person_deactivate, person_invite
from tests.factories import PASSWORD

FULLWIDTH = str.maketrans("abcdefghijklmnopqrstuvwxyz", "".join(chr(0xFF41 + i) for i in range(26)))


def code_for(device, steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="App", confirmed=True)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client, email, password=PASSWORD):
    return client.post("/log-ind/", {"username": email, "password": password})


def wait_out_device_throttle(person) -> None:
    """django-otp doubles a device's wait after each wrong code; the tests skip the waiting."""
    TOTPDevice.objects.filter(user=person).update(throttling_failure_timestamp=None)
    StaticDevice.objects.filter(user=person).update(throttling_failure_timestamp=None)


def wait_out_lockout() -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))


# Throttling ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_for_a_while(client, world):
    for _ in range(5):
        response = password_step(client, world.member.email, "forkert")
        assert response.status_code in (200, 429) and not logged_in(client)
    response = password_step(client, world.member.email)
    assert response.status_code == 429 and "For mange forkerte forsøg" in response.content.decode()
    assert not logged_in(client)
    wait_out_lockout()
    response = password_step(client, world.member.email)
    assert response.status_code == 302 and logged_in(client)


@pytest.mark.django_db
def test_the_same_email_in_compatibility_characters_shares_the_lockout(client, world):
    """Attack: after five failures, `ｂestyrelse@...` (fullwidth) logged in with a fresh counter."""
    email = world.chair.email
    local, domain = email.split("@")
    disguised = [local[0].translate(FULLWIDTH) + local[1:] + "@" + domain, email.upper(), " " + email]
    for variant in [email, email, *disguised]:
        password_step(client, variant, "forkert")
    # Control: Django itself takes the fullwidth form as the same account (it would log in).
    fullwidth = local.translate(FULLWIDTH) + "@" + domain
    from django.contrib.auth.forms import UsernameField

    assert UsernameField().to_python(fullwidth) == email
    for variant in [fullwidth, *disguised, email]:
        response = password_step(client, variant)
        assert response.status_code == 429, variant
        assert not logged_in(client)
    # Another account from elsewhere is not affected.
    response = client.post(
        "/log-ind/", {"username": world.member.email, "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_thirty_failures_from_one_address_lock_that_address(client, world, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    for n in range(8):
        password_step(client, f"ukendt{n}@example.dk", "forkert")
    assert password_step(client, world.member.email).status_code == 429
    other = client.post(
        "/log-ind/", {"username": world.member.email, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302


# Two-factor -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_factor_set_up_and_login(client, world):
    client.force_login(world.member)
    page = client.get("/profil/totrin/").content.decode()
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    device = TOTPDevice.objects.get(user=world.member, confirmed=False)
    assert secret and client.post("/profil/totrin/", {"code": "000000"}).status_code == 400
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/profil/totrin/", {"code": code_for(device)})
    assert response["Location"] == "/profil/totrin/backupkoder/"
    codes = re.findall(r"<li><code>(\w+)</code></li>", client.get(response["Location"]).content.decode())
    assert len(codes) == 10
    client.logout()

    response = password_step(client, world.member.email)
    assert response["Location"] == "/log-ind/kode/" and not logged_in(client)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 302
    assert client.post("/log-ind/kode/", {"code": "123456"}).status_code == 400
    wait_out_device_throttle(world.member)
    device.refresh_from_db()
    response = client.post("/log-ind/kode/", {"code": code_for(device, 1)})
    assert response.status_code == 302 and logged_in(client)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200


@pytest.mark.django_db
def test_a_correct_password_does_not_clear_failed_codes(client, world):
    """Attack: a correct password cleared the failure count, so codes could be guessed for ever."""
    device = enrol(world.member)
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        password_step(client, world.member.email)
        wait_out_device_throttle(world.member)
        client.post("/log-ind/kode/", {"code": guess})
    response = password_step(client, world.member.email)
    assert response.status_code == 429 and not logged_in(client)
    # Even the right code, once the device's own wait is over, does not get past the lockout.
    wait_out_device_throttle(world.member)
    session = client.session
    session["klynge_two_factor_person"] = {
        "id": world.member.pk,
        "backend": "django.contrib.auth.backends.ModelBackend",
    }
    session.save()
    response = client.post("/log-ind/kode/", {"code": code_for(device)})
    assert response.status_code == 429 and not logged_in(client)
    wait_out_lockout()
    password_step(client, world.member.email)
    assert client.post("/log-ind/kode/", {"code": code_for(device)}).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_wrong_codes_make_the_device_wait_longer_each_time(client, world):
    device = enrol(world.member)
    password_step(client, world.member.email)
    client.post("/log-ind/kode/", {"code": "000001"})
    response = client.post("/log-ind/kode/", {"code": code_for(device)})
    assert response.status_code == 400 and "Vent" in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_a_code_cannot_be_replayed_for_a_second_login(client, world):
    """Attack: a code that had logged in once logged in again."""
    device = enrol(world.member)
    code = code_for(device)
    password_step(client, world.member.email)
    assert client.post("/log-ind/kode/", {"code": code}).status_code == 302
    client.logout()
    password_step(client, world.member.email)
    response = client.post("/log-ind/kode/", {"code": code})
    assert response.status_code == 400 and not logged_in(client)


@pytest.mark.django_db
def test_backup_codes_work_once_each(client, world):
    enrol(world.member)
    from klynge.core.accounts.services import backup_codes_create

    codes = backup_codes_create(person=world.member)
    password_step(client, world.member.email)
    response = client.post("/log-ind/kode/", {"code": codes[0].upper()})
    assert response.status_code == 302 and logged_in(client)
    assert StaticToken.objects.filter(device__user=world.member).count() == 9
    client.logout()
    password_step(client, world.member.email)
    assert client.post("/log-ind/kode/", {"code": codes[0]}).status_code == 400
    assert not logged_in(client)


@pytest.mark.django_db
def test_a_password_only_session_of_an_enrolled_person_opens_no_page(client, world):
    """A session opened without the second factor (an old session, another login form) is ended."""
    enrol(world.chair)
    client.force_login(world.chair)
    response = client.get(f"/k/{world.cluster.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/log-ind/")
    assert not logged_in(client)
    # Nor can it add a second factor of its own.
    client.force_login(world.chair)
    response = client.get("/profil/totrin/")
    assert response.status_code == 302 and not logged_in(client)


@pytest.mark.django_db
def test_admin_login_asks_for_the_second_factor_and_is_throttled(client, world):
    """Attack: /admin/login/ let staff with two-factor in with the password alone, then cluster pages
    opened; and it was not throttled."""
    staff = world.chair
    staff.is_staff = True
    staff.save()
    device = enrol(staff)
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 200 and not logged_in(client)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 302
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": staff.email,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": code_for(device),
        },
    )
    assert response.status_code == 302 and logged_in(client)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200
    client.logout()

    for _ in range(5):
        client.post("/admin/login/", {"username": staff.email, "password": "forkert"})
    wait_out_device_throttle(staff)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": staff.email,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": code_for(device, 1),
        },
    )
    assert response.status_code == 429 and not logged_in(client)


@pytest.mark.django_db
def test_wrong_admin_codes_count_towards_the_lockout(client, world):
    staff = world.chair
    staff.is_staff = True
    staff.save()
    device = enrol(staff)
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        wait_out_device_throttle(staff)
        client.post(
            "/admin/login/",
            {
                "username": staff.email,
                "password": PASSWORD,
                "otp_device": device.persistent_id,
                "otp_token": guess,
            },
        )
    assert password_step(client, staff.email).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_existing_app_secrets_move_to_django_otp():
    """The data migration: a base32 secret of the old pyotp code becomes a device giving the same codes."""
    import base64

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("core", "0002_loginfailure_cluster_require_two_factor_for_board_and_more")]
    after = [("core", "0003_second_factor_on_django_otp")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_person = executor.loader.project_state(before).apps.get_model("core", "Person")
    secret = "JBSWY3DPEHPK3PXP"
    person = old_person.objects.create(
        email="app@example.dk", name="App", totp_secret=secret, totp_enabled=True
    )
    old_person.objects.create(email="uden@example.dk", name="Uden", totp_secret="", totp_enabled=False)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        device = TOTPDevice.objects.get()
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # the schema the other tests expect
    assert device.user_id == person.pk and device.confirmed
    assert device.bin_key == base64.b32decode(secret)


# Mail limits ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_mails_are_limited_per_address(client, world):
    """Attack: twelve reset mails were queued to one address within a second."""
    for _ in range(12):
        response = client.post("/glemt-adgangskode/", {"email": world.member.email})
        assert response.status_code == 302
    assert OutboxMessage.objects.filter(to=world.member.email).count() == 3
    # The same address in compatibility characters is the same address.
    client.post("/glemt-adgangskode/", {"email": world.member.email.upper()})
    assert OutboxMessage.objects.filter(to=world.member.email).count() == 3


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_client(client, world, other_world, settings):
    settings.MAIL_LIMIT_PER_CLIENT = "4/h"
    people = [
        world.chair,
        world.coordinator,
        world.member,
        world.alternate,
        other_world.chair,
        other_world.member,
    ]
    for person in people:
        client.post("/glemt-adgangskode/", {"email": person.email})
    assert OutboxMessage.objects.count() == 4
    client.post("/glemt-adgangskode/", {"email": other_world.member.email}, REMOTE_ADDR="10.0.0.9")
    assert OutboxMessage.objects.count() == 5


@pytest.mark.django_db
def test_invitation_mails_are_limited_per_address(world):
    for _ in range(3):
        person = person_invite(cluster=world.cluster, email="gentaget@example.dk", name="Gentaget")
        person_deactivate(cluster=world.cluster, person=person, on=timezone.localdate())
    with pytest.raises(ServiceError, match="for mange invitationer"):
        person_invite(cluster=world.cluster, email="gentaget@example.dk", name="Gentaget")
    assert OutboxMessage.objects.filter(to="gentaget@example.dk").count() == 3


@pytest.mark.django_db
def test_invitations_are_limited_per_client(client, world, settings):
    settings.MAIL_LIMIT_PER_CLIENT = "2/h"
    client.force_login(world.chair)
    statuses = []
    for n in range(3):
        response = client.post(
            f"/k/{world.cluster.slug}/personer/inviter/",
            {
                "name": f"Ny {n}",
                "email": f"ny{n}@example.dk",
                "title": "praktiserende_laege",
                "role": "medlem",
            },
        )
        statuses.append(response.status_code)
    assert statuses == [302, 302, 400]
    assert "for mange invitationer" in response.content.decode()
    assert OutboxMessage.objects.filter(to__startswith="ny").count() == 2
