"""A member adds a passkey on the profile page, logs out, and logs in with the password and then the
passkey: in Chromium, with its virtual authenticator (the DevTools protocol's WebAuthn domain), under
the real Content-Security-Policy, at 1280 px and at 375 px (the `width` fixture), every click through
tests/e2e/person.py. A control shows that another authenticator
(one holding a forged credential with the member's credential id) cannot complete the second factor.
"""

import base64

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tests.e2e.person import WIDTHS, Person
from tests.factories import PASSWORD, ClusterWorld

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Nøglen")


@pytest.fixture
def site(live_server, settings):
    """Passkeys bound to the test server's origin (http://localhost:PORT; localhost counts as secure)."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


def virtual_authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return cdp, authenticator["authenticatorId"]


# htmx inserts its indicator style inline on every page (htmx.config.includeIndicatorStyles); the
# policy blocks it, harmlessly (no page uses htmx indicators). Reported; anything else blocked fails.
HTMX_INDICATOR_STYLE = "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk="


def watch_csp(page) -> list[str]:
    """Collects the browser's reports of anything the Content-Security-Policy blocked."""
    blocked = []

    def seen(message):
        if "Content Security Policy" in message.text and HTMX_INDICATOR_STYLE not in message.text:
            blocked.append(message.text)

    page.on("console", seen)
    return blocked


def test_member_registers_a_passkey_and_logs_in_with_it(site, page, browser, world, settings, width):
    page.set_default_timeout(15_000)
    blocked = watch_csp(page)
    # The virtual authenticator stands in for the laptop's or phone's own (test infrastructure).
    cdp, authenticator_id = virtual_authenticator(page)
    member = world.member
    me = Person(page, site)

    me.login(member.email, PASSWORD)
    expect(
        page.get_by_role("navigation", name="Klyngens menu")
    ).to_be_visible()  # in: one cluster opens on its page
    me.click(page.get_by_role("navigation", name="Konto").get_by_role("link", name=member.name))
    expect(page.get_by_role("heading", name="Adgangsnøgler")).to_be_visible()
    me.look(f"profil, {width} px")
    me.click(page.get_by_role("button", name="Tilføj en adgangsnøgle"))
    # The script saved it and went on to the new backup codes.
    expect(page.get_by_text("Adgangsnøglen er gemt")).to_be_visible()
    expect(page.get_by_role("heading", name="Backupkoder")).to_be_visible()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1
    passkey = WebAuthnCredential.objects.get(user=member)
    me.look(f"backupkoder, {width} px")

    me.click(page.get_by_role("link", name="Tilbage til min profil"))
    name = page.get_by_label("Navn på adgangsnøgle 1")
    expect(name).to_have_value("Adgangsnøgle 1")
    me.fill(name, "Arbejdscomputer")
    me.click(page.get_by_role("button", name="Gem navn"))
    expect(page.get_by_text("Adgangsnøglen hedder nu »Arbejdscomputer«")).to_be_visible()
    me.look(f"profil med adgangsnøgle, {width} px")
    me.click(page.get_by_role("button", name="Log ud"))

    # Control: someone with the password, and an authenticator holding a forged credential under the
    # member's credential id (their own key), does not get past the passkey step.
    intruder = Person.in_new_window(browser, site, WIDTHS[width])
    intruder.page.set_default_timeout(15_000)
    intruder_cdp, intruder_id = virtual_authenticator(intruder.page)
    intruder.login(member.email, PASSWORD)
    # First with none of the member's credentials: the browser finds nothing to answer with.
    intruder.click(intruder.page.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(intruder.page.get_by_text("Bekræftelsen blev afbrudt eller ikke godkendt")).to_be_visible()
    assert not AccessAttempt.objects.exists()
    forged_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    intruder_cdp.send(
        "WebAuthn.addCredential",
        {
            "authenticatorId": intruder_id,
            "credential": {
                "credentialId": base64.b64encode(bytes(passkey.credential_id)).decode(),
                "isResidentCredential": False,
                "rpId": "localhost",
                "privateKey": base64.b64encode(forged_key).decode(),
                "signCount": 1000,
            },
        },
    )
    intruder.click(intruder.page.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(intruder.page.get_by_text("Adgangsnøglen blev ikke godkendt")).to_be_visible()
    assert AccessAttempt.objects.get(username=member.email).failures_since_start == 1
    # Locked out (here after one failure), the passkey step says so instead of starting.
    settings.AXES_FAILURE_LIMIT = 1
    intruder.click(intruder.page.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(intruder.page.get_by_text("For mange forkerte forsøg")).to_be_visible()
    settings.AXES_FAILURE_LIMIT = 5
    intruder.goto("/profil/")
    expect(intruder.page.get_by_role("heading", name="Log ind")).to_be_visible()
    assert AccessAttempt.objects.get(username=member.email).failures_since_start == 1
    intruder.close()

    # The member: password, then the passkey.
    me.login(member.email, PASSWORD)
    expect(page.get_by_role("heading", name="Bekræft, at det er dig")).to_be_visible()
    me.look(f"login med adgangsnøgle, {width} px")
    me.click(page.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(
        page.get_by_role("navigation", name="Klyngens menu")
    ).to_be_visible()  # in: one cluster opens on its page
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    me.click(page.get_by_role("link", name=world.cluster.name).first)
    expect(page.get_by_role("heading", name=world.cluster.name)).to_be_visible()
    assert blocked == [], "\n".join(blocked)
