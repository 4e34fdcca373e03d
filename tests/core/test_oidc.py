"""Login with MitID Erhverv through an OpenID Connect broker, tried against a real OpenID Connect
provider that the tests start (oidc-provider-mock: authorisation, token, JWKS and userinfo endpoints
over HTTP, RS256-signed ID tokens). Only the browser's part is played by Django's test client and
`requests`; nothing of the client library is replaced."""

from urllib.parse import urlsplit

import pytest
import requests
from django_otp.plugins.otp_totp.models import TOTPDevice
from oidc_provider_mock import run_server_in_thread

from klynge.core.models import Person


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def broker(provider, settings):
    settings.OIDC_RP_CLIENT_ID = "klynge"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    discovery = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5).json()
    assert discovery["jwks_uri"] == settings.OIDC_OP_JWKS_ENDPOINT
    return provider


def broker_login(client, provider, sub, claims=None, next_url=None):
    """The browser's part: start at Klynge, choose the identity at the broker, follow back."""
    if claims is not None:
        response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=5)
        assert response.status_code == 204
    start = client.get("/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302 and start["Location"].startswith(provider)
    at_broker = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False, timeout=5)
    assert at_broker.status_code == 302
    back = urlsplit(at_broker.headers["Location"])
    assert back.path == "/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_login_page_offers_the_broker_only_when_configured(client, settings, broker):
    assert "Log ind med MitID Erhverv" in client.get("/log-ind/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "MitID" not in client.get("/log-ind/").content.decode()


@pytest.mark.django_db
def test_an_invited_person_logs_in_by_verified_email_and_the_subject_is_kept(client, world, broker):
    response = broker_login(
        client, broker, "mitid-0001", {"email": world.member.email.upper(), "email_verified": True}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_as(client) == str(world.member.pk)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200
    world.member.refresh_from_db()
    assert world.member.oidc_subject == "mitid-0001"

    # Next time the subject alone finds the person, even when the broker's e-mail has changed.
    client.logout()
    broker_login(client, broker, "mitid-0001", {"email": "ny-adresse@example.dk", "email_verified": False})
    assert logged_in_as(client) == str(world.member.pk)


@pytest.mark.django_db
def test_nobody_the_board_has_not_invited_gets_in_or_is_created(client, world, broker):
    before = Person.objects.count()
    response = broker_login(
        client, broker, "mitid-9999", {"email": "fremmed@example.dk", "email_verified": True}
    )
    assert response.status_code == 302 and response["Location"] == "/log-ind/"
    assert not logged_in_as(client) and Person.objects.count() == before
    assert "lykkedes ikke" in client.get("/log-ind/").content.decode()


@pytest.mark.django_db
def test_an_unverified_email_does_not_match(client, world, broker):
    broker_login(client, broker, "mitid-0002", {"email": world.chair.email, "email_verified": False})
    assert not logged_in_as(client)
    world.chair.refresh_from_db()
    assert world.chair.oidc_subject == ""


@pytest.mark.django_db
def test_a_linked_person_is_not_taken_over_by_another_subject_with_the_same_email(client, world, broker):
    world.chair.oidc_subject = "mitid-formand"
    world.chair.save()
    broker_login(client, broker, "mitid-anden", {"email": world.chair.email, "email_verified": True})
    assert not logged_in_as(client)


@pytest.mark.django_db
def test_a_broker_login_counts_as_two_factor(client, world, broker):
    TOTPDevice.objects.create(user=world.chair, name="App", confirmed=True)
    world.cluster.require_two_factor_for_board = True
    world.cluster.save()
    broker_login(client, broker, "mitid-0003", {"email": world.chair.email, "email_verified": True})
    assert logged_in_as(client) == str(world.chair.pk)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 200


@pytest.mark.django_db
def test_a_forged_callback_logs_no_one_in(client, world, broker):
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/?code=gaet&state=gaet")
    assert response.status_code in (302, 400) and not logged_in_as(client)


@pytest.mark.django_db
def test_password_login_still_works_with_a_broker(client, world, broker):
    from tests.factories import PASSWORD

    response = client.post("/log-ind/", {"username": world.member.email, "password": PASSWORD})
    assert response.status_code == 302 and logged_in_as(client) == str(world.member.pk)
