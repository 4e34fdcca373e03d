"""Passkeys (django-otp-webauthn) as a second factor, attacked over HTTP with a software authenticator.

The browser's side (the library's script under the Content-Security-Policy, Chromium's virtual
authenticator) is tested in tests/e2e/test_passkeys.py.
"""

import json

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.models import WebAuthnCredential

from klynge.core.models import Cluster, Role, RoleAssignment
from tests.core.soft_authenticator import SoftAuthenticator, unb64url
from tests.core.test_accounts import code_for, enrol, logged_in, password_step, wait_out_device_throttle
from tests.factories import PASSWORD

LOGIN_BEGIN = "/log-ind/adgangsnoegle/start/"
LOGIN_COMPLETE = "/log-ind/adgangsnoegle/svar/"
REGISTER_BEGIN = "/profil/totrin/adgangsnoegle/start/"
REGISTER_COMPLETE = "/profil/totrin/adgangsnoegle/svar/"


def post_json(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def register(client, authenticator) -> WebAuthnCredential:
    """Registers a passkey for the client's logged-in person, as the profile page's script does."""
    options = post_json(client, REGISTER_BEGIN)
    assert options.status_code == 200, options.content
    answer = authenticator.create(options.json())
    response = post_json(client, REGISTER_COMPLETE, answer)
    assert response.status_code == 200, response.content
    return WebAuthnCredential.objects.get(pk=response.json()["id"])


def enrolled(client, person, authenticator) -> WebAuthnCredential:
    """A person with a passkey (registered through the views), logged out again."""
    client.force_login(person)
    passkey = register(client, authenticator)
    client.logout()
    return passkey


def passkey_step(client, authenticator, **attack):
    options = post_json(client, LOGIN_BEGIN)
    assert options.status_code == 200, options.content
    return post_json(client, LOGIN_COMPLETE, authenticator.get(options.json(), **attack))


def failures(person) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=person.email))


@pytest.mark.django_db
def test_a_member_registers_a_passkey_and_logs_in_with_password_then_passkey(client, world):
    member = world.member
    client.force_login(member)
    profile = client.get("/profil/").content.decode()
    assert 'id="passkey-register-button"' in profile and 'id="otp_webauthn_config"' in profile
    assert "<script>" not in profile and ' style="' not in profile
    authenticator = SoftAuthenticator()
    passkey = register(client, authenticator)
    assert passkey.user == member and passkey.name == "Adgangsnøgle 1"
    # The first second factor comes with backup codes, shown once on the next page.
    response = client.get("/profil/totrin/adgangsnoegle/gemt/")
    assert response["Location"] == "/profil/totrin/backupkoder/"
    codes = client.get(response["Location"]).content.decode().count("<li><code>")
    assert codes == 10 == StaticDevice.objects.get(user=member).token_set.count()
    second = register(client, SoftAuthenticator())
    assert second.name == "Adgangsnøgle 2"
    assert client.get("/profil/totrin/adgangsnoegle/gemt/")["Location"] == "/profil/#adgangsnoegler"
    client.logout()

    response = password_step(client, member.email)
    assert response["Location"] == "/log-ind/kode/" and not logged_in(client)
    page = client.get("/log-ind/kode/").content.decode()
    assert 'id="passkey-verification-button"' in page and "Backupkode" in page
    options = post_json(client, LOGIN_BEGIN).json()
    offered = {unb64url(c["id"]) for c in options["allowCredentials"]}
    assert offered == {bytes(passkey.credential_id), bytes(second.credential_id)}
    response = post_json(client, LOGIN_COMPLETE, authenticator.get(options))
    assert response.status_code == 200 and response.json()["redirect_url"] == "/"
    assert logged_in(client)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200
    passkey.refresh_from_db()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


@pytest.mark.django_db
def test_no_passkey_login_without_the_password_step(client, world, settings):
    """Attack: a passkey alone (passwordless) opened the account. Only the password step starts one."""
    authenticator = SoftAuthenticator()
    enrolled(client, world.member, authenticator)
    assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False
    response = post_json(client, LOGIN_BEGIN)
    assert response.status_code == 403 and "adgangskode først" in response.json()["detail"]
    # An answer made for a challenge from another (password-checked) session gets nowhere here.
    helper = Client()
    password_step(helper, world.member.email)
    options = post_json(helper, LOGIN_BEGIN).json()
    response = post_json(client, LOGIN_COMPLETE, authenticator.get(options))
    assert response.status_code == 403 and not logged_in(client)
    # The library's own routes (with their passwordless login) are not served.
    assert client.post("/webauthn/authentication/begin/").status_code == 404
    # A wrong password leads to no passkey step either.
    client.post("/log-ind/", {"username": world.member.email, "password": "forkert"})
    assert post_json(client, LOGIN_BEGIN).status_code == 403


@pytest.mark.django_db
def test_another_persons_passkey_does_not_complete_the_second_factor(client, world):
    """Attack: with a member's password, the second factor was completed with the attacker's own passkey."""
    enrolled(client, world.member, SoftAuthenticator())
    attacker_key = SoftAuthenticator()
    attackers = enrolled(client, world.alternate, attacker_key)
    password_step(client, world.member.email)
    options = post_json(client, LOGIN_BEGIN).json()
    response = post_json(
        client, LOGIN_COMPLETE, attacker_key.get(options, credential_id=bytes(attackers.credential_id))
    )
    assert response.status_code == 403 and "hører ikke til din konto" in response.json()["detail"]
    assert not logged_in(client) and failures(world.member) == 1
    # Control: the attacker's passkey is valid, for the attacker's own account.
    other = Client()
    password_step(other, world.alternate.email)
    assert passkey_step(other, attacker_key).status_code == 200 and logged_in(other)


@pytest.mark.django_db
def test_a_forged_passkey_with_the_right_id_or_a_phishing_origin_is_refused(client, world):
    """Attack: an answer naming the member's credential but signed with another key; and a real answer
    collected on a look-alike site (another origin)."""
    authenticator = SoftAuthenticator()
    passkey = enrolled(client, world.member, authenticator)
    password_step(client, world.member.email)
    forged = passkey_step(
        client,
        authenticator,
        credential_id=bytes(passkey.credential_id),
        signing_key=ec.generate_private_key(ec.SECP256R1()),
    )
    assert forged.status_code == 422 and not logged_in(client)
    phished = passkey_step(client, authenticator, origin="https://klynge-login.example.com")
    assert phished.status_code == 422 and not logged_in(client)
    assert "ikke godkendt" in phished.json()["detail"]
    assert failures(world.member) == 2
    # Control: the same authenticator on the right origin logs in.
    assert passkey_step(client, authenticator).status_code == 200 and logged_in(client)


@pytest.mark.django_db
def test_a_passkey_answer_cannot_be_replayed(client, world):
    """Attack: a recorded passkey answer was sent again, in the same and in a later login."""
    authenticator = SoftAuthenticator()
    enrolled(client, world.member, authenticator)
    password_step(client, world.member.email)
    options = post_json(client, LOGIN_BEGIN).json()
    answer = authenticator.get(options)
    assert post_json(client, LOGIN_COMPLETE, answer).status_code == 200
    client.logout()
    password_step(client, world.member.email)
    assert post_json(client, LOGIN_COMPLETE, answer).status_code == 400  # no challenge issued
    post_json(client, LOGIN_BEGIN)
    assert post_json(client, LOGIN_COMPLETE, answer).status_code == 422  # another challenge
    assert not logged_in(client) and failures(world.member) == 2


@pytest.mark.django_db
def test_wrong_passkey_answers_count_in_the_same_lockout_as_wrong_codes(client, world):
    """Attack: passkey answers were a way around the lockout on codes. Three wrong codes and two wrong
    passkey answers make five failures: the identity is locked, for passwords, codes and passkeys."""
    member = world.member
    device = enrol(member)
    authenticator = SoftAuthenticator()
    password_step(client, member.email)
    assert client.post("/log-ind/kode/", {"code": code_for(device)}).status_code == 302
    passkey = register(client, authenticator)
    client.logout()

    password_step(client, member.email)
    for guess in ("111111", "222222", "333333"):
        wait_out_device_throttle(member)
        assert client.post("/log-ind/kode/", {"code": guess}).status_code == 400
    impostor = SoftAuthenticator()
    for _ in range(2):
        response = passkey_step(client, impostor, credential_id=bytes(passkey.credential_id))
    assert response.status_code == 429 and "For mange forkerte forsøg" in response.json()["detail"]
    assert failures(member) == 5
    # Locked: no challenge, not even for the right passkey; nor a code; nor the password.
    response = post_json(client, LOGIN_BEGIN)
    assert response.status_code == 429 and not logged_in(client)
    wait_out_device_throttle(member)
    assert client.post("/log-ind/kode/", {"code": code_for(device, 1)}).status_code == 429
    assert password_step(client, member.email).status_code == 429
    # Another member is not locked out by it.
    other = Client()
    assert password_step(other, world.alternate.email).status_code == 302


@pytest.mark.django_db
def test_registration_needs_a_login_and_a_verified_session(client, world):
    """Attack: a password-only session of an enrolled person added its own passkey (bypassing the app)."""
    assert post_json(client, REGISTER_BEGIN).status_code == 403
    enrol(world.chair)
    client.force_login(world.chair)
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 403 and "Bekræft først" in response.json()["detail"]
    assert not WebAuthnCredential.objects.exists()


@pytest.mark.django_db
def test_the_passkey_endpoints_check_csrf(world):
    client = Client(enforce_csrf_checks=True)
    password_step(client, world.member.email)
    assert post_json(client, LOGIN_BEGIN).status_code == 403
    client.force_login(world.member)
    assert post_json(client, REGISTER_BEGIN).status_code == 403


@pytest.mark.django_db
def test_a_member_names_and_removes_passkeys_and_only_their_own(client, world, settings):
    member = world.member
    client.force_login(member)
    first_key = SoftAuthenticator()
    first = register(client, first_key)
    second = register(client, SoftAuthenticator())
    response = client.post(f"/profil/totrin/adgangsnoegle/{first.pk}/navn/", {"name": "  Arbejdscomputer "})
    assert response["Location"] == "/profil/#adgangsnoegler"
    first.refresh_from_db()
    assert first.name == "Arbejdscomputer" and "Arbejdscomputer" in client.get("/profil/").content.decode()
    assert (
        client.post(f"/profil/totrin/adgangsnoegle/{first.pk}/navn/", {"name": "x" * 65}).status_code == 302
    )
    first.refresh_from_db()
    assert first.name == "Arbejdscomputer"

    # Another person's passkey: 404 for both, nothing changed.
    other = Client()
    other.force_login(world.alternate)
    theirs = register(other, SoftAuthenticator())
    assert client.post(f"/profil/totrin/adgangsnoegle/{theirs.pk}/navn/", {"name": "Min"}).status_code == 404
    assert client.post(f"/profil/totrin/adgangsnoegle/{theirs.pk}/fjern/").status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk, name="Adgangsnøgle 1").exists()

    # Removing the passkey that verified this session keeps the session (other factors are left).
    client.logout()
    password_step(client, member.email)
    assert passkey_step(client, first_key).status_code == 200
    third = register(client, SoftAuthenticator())
    response = client.post(f"/profil/totrin/adgangsnoegle/{first.pk}/fjern/")
    assert response["Location"] == "/profil/#adgangsnoegler"
    assert client.get("/profil/").status_code == 200 and logged_in(client)

    # The last one, when the cluster requires two-factor for its board: refused.
    RoleAssignment.objects.filter(person=member, cluster=world.cluster).update(role=Role.CHAIR)
    Cluster.objects.filter(pk=world.cluster.pk).update(require_two_factor_for_board=True)
    client.post(f"/profil/totrin/adgangsnoegle/{second.pk}/fjern/")
    response = client.post(f"/profil/totrin/adgangsnoegle/{third.pk}/fjern/", follow=True)
    assert "før du fjerner den sidste" in response.content.decode()
    assert list(WebAuthnCredential.objects.filter(user=member)) == [third]
    # Not required: the last passkey goes, and the backup codes with it (two-factor is off).
    Cluster.objects.filter(pk=world.cluster.pk).update(require_two_factor_for_board=False)
    response = client.post(f"/profil/totrin/adgangsnoegle/{third.pk}/fjern/", follow=True)
    assert "Totrinsbekræftelse er slået fra" in response.content.decode()
    assert not WebAuthnCredential.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member).exists()
    client.logout()
    assert password_step(client, member.email)["Location"] == "/"


@pytest.mark.django_db
def test_a_person_has_at_most_ten_passkeys(client, world, settings):
    settings.PASSKEYS_PER_PERSON = 2
    client.force_login(world.member)
    register(client, SoftAuthenticator())
    register(client, SoftAuthenticator())
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 400 and "Fjern en" in response.json()["detail"]


@pytest.mark.django_db
def test_staff_with_a_passkey_reach_the_admin_through_the_site_login(client, world):
    """django-otp's admin form takes typed codes only: it does not offer a passkey (which could never
    pass there), and a session verified with a passkey on the site opens the admin."""
    staff = world.chair
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    authenticator = SoftAuthenticator()
    passkey = enrolled(client, staff, authenticator)
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": "forkert"})
    assert "Log ind på Klynges login-side" in response.content.decode()
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 200 and not logged_in(client)
    assert passkey.persistent_id not in page and "Backupkoder" in page
    # Forging the passkey's id into the form gets nowhere, and counts.
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": staff.email,
            "password": PASSWORD,
            "otp_device": passkey.persistent_id,
            "otp_token": "123456",
        },
    )
    assert response.status_code == 200 and not logged_in(client)
    password_step(client, staff.email)
    assert passkey_step(client, authenticator).status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_board_member_required_to_use_two_factor_can_choose_a_passkey(client, world):
    Cluster.objects.filter(pk=world.cluster.pk).update(require_two_factor_for_board=True)
    client.force_login(world.chair)
    assert client.get(f"/k/{world.cluster.slug}/")["Location"] == "/profil/totrin/"
    page = client.get("/profil/totrin/").content.decode()
    assert 'id="passkey-register-button"' in page and "/profil/totrin/adgangsnoegle/tekster.js" in page
    # The script's texts in Danish (JSON-escaped in the catalogue).
    assert "Log ind med adgangsn" in client.get("/profil/totrin/adgangsnoegle/tekster.js").content.decode()
    register(client, SoftAuthenticator())
    assert client.get("/profil/totrin/adgangsnoegle/gemt/")["Location"] == "/profil/totrin/backupkoder/"
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200
