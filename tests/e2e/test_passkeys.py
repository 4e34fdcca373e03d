"""A member adds a passkey on the profile page, logs out, and logs in with the password and then the
passkey: in Chromium, with its virtual authenticator (the DevTools protocol's WebAuthn domain), under
the real Content-Security-Policy, at 1280 px and at 375 px. A control shows that another authenticator
(one holding a forged credential with the member's credential id) cannot complete the second factor.
"""

import base64

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

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


def visible_click(locator) -> None:
    """A person clicks what they can see: the control must be on screen and have a size."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    viewport = locator.page.viewport_size
    assert box and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    locator.click()


def password_login(page, base, email) -> None:
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    visible_click(page.get_by_role("button", name="Log ind", exact=True))


@pytest.mark.parametrize("width", [1280, 375])
def test_member_registers_a_passkey_and_logs_in_with_it(site, page, axe, browser, world, settings, width):
    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": width, "height": 900})
    blocked = watch_csp(page)
    cdp, authenticator_id = virtual_authenticator(page)
    member = world.member

    password_login(page, site, member.email)
    expect(page.get_by_role("heading", name="Mine klynger")).to_be_visible()
    visible_click(page.get_by_role("navigation", name="Konto").get_by_role("link", name=member.name))
    expect(page.get_by_role("heading", name="Adgangsnøgler")).to_be_visible()
    axe(f"profil, {width} px")
    visible_click(page.get_by_role("button", name="Tilføj en adgangsnøgle"))
    # The script saved it and went on to the new backup codes.
    expect(page.get_by_text("Adgangsnøglen er gemt")).to_be_visible()
    expect(page.get_by_role("heading", name="Backupkoder")).to_be_visible()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1
    passkey = WebAuthnCredential.objects.get(user=member)
    axe(f"backupkoder, {width} px")

    visible_click(page.get_by_role("link", name="Tilbage til min profil"))
    name = page.get_by_label("Navn på adgangsnøgle 1")
    expect(name).to_have_value("Adgangsnøgle 1")
    name.fill("Arbejdscomputer")
    visible_click(page.get_by_role("button", name="Gem navn"))
    expect(page.get_by_text("Adgangsnøglen hedder nu »Arbejdscomputer«")).to_be_visible()
    axe(f"profil med adgangsnøgle, {width} px")
    visible_click(page.get_by_role("button", name="Log ud"))

    # Control: someone with the password, and an authenticator holding a forged credential under the
    # member's credential id (their own key), does not get past the passkey step.
    intruder = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    intruder.set_default_timeout(15_000)
    intruder_cdp, intruder_id = virtual_authenticator(intruder)
    password_login(intruder, site, member.email)
    # First with none of the member's credentials: the browser finds nothing to answer with.
    visible_click(intruder.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(intruder.get_by_text("Bekræftelsen blev afbrudt eller ikke godkendt")).to_be_visible()
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
    visible_click(intruder.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(intruder.get_by_text("Adgangsnøglen blev ikke godkendt")).to_be_visible()
    assert AccessAttempt.objects.get(username=member.email).failures_since_start == 1
    # Locked out (here after one failure), the passkey step says so instead of starting.
    settings.AXES_FAILURE_LIMIT = 1
    visible_click(intruder.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(intruder.get_by_text("For mange forkerte forsøg")).to_be_visible()
    settings.AXES_FAILURE_LIMIT = 5
    intruder.goto(f"{site}/profil/")
    expect(intruder.get_by_role("heading", name="Log ind")).to_be_visible()
    assert AccessAttempt.objects.get(username=member.email).failures_since_start == 1
    intruder.context.close()

    # The member: password, then the passkey.
    password_login(page, site, member.email)
    expect(page.get_by_role("heading", name="Bekræft, at det er dig")).to_be_visible()
    axe(f"login med adgangsnøgle, {width} px")
    visible_click(page.get_by_role("button", name="Log ind med adgangsnøgle"))
    expect(page.get_by_role("heading", name="Mine klynger")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    visible_click(page.get_by_role("link", name=world.cluster.name).first)
    expect(page.get_by_role("heading", name=world.cluster.name)).to_be_visible()
    assert blocked == [], "\n".join(blocked)
