import pytest

from klynge.core.models import Practice
from klynge.core.services import api_token_create, api_token_revoke
from tests.api.client import Api


@pytest.fixture
def chair_headers(world):
    _, secret = api_token_create(person=world.chair, name="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
def test_openapi_document_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/clusters/{slug}/practices" in schema["paths"]


@pytest.mark.django_db
def test_list_and_create_practices_with_a_token(client, world, chair_headers):
    slug = world.cluster.slug
    listed = client.get(f"/api/v1/clusters/{slug}/practices", headers=chair_headers).json()
    assert {p["name"] for p in listed} == {"Lægerne på Torvet", "Strandens Lægehus"}
    response = client.post(
        f"/api/v1/clusters/{slug}/practices",
        {"name": "API-klinikken", "provider_number": "777777"},
        content_type="application/json",
        headers=chair_headers,
    )
    assert response.status_code == 201 and response.json()["status"] == "active"


@pytest.mark.django_db
def test_bad_input_gives_4xx_in_danish_and_saves_nothing(client, world, chair_headers):
    url = f"/api/v1/clusters/{world.cluster.slug}/practices"
    response = client.post(
        url, {"name": "X", "provider_number": "77"}, content_type="application/json", headers=chair_headers
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Ugyldige data: provider_number har ikke det rigtige format."
    response = client.post(
        url,
        {"name": "X", "provider_number": world.practice.provider_number},
        content_type="application/json",
        headers=chair_headers,
    )
    assert response.status_code == 400 and "allerede med i klyngen" in response.json()["detail"]
    response = client.post(url, "{ikke json", content_type="application/json", headers=chair_headers)
    assert response.status_code in (400, 422)
    assert not Practice.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_member_token_cannot_create(client, world):
    _, secret = api_token_create(person=world.member, name="m")
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/people",
        {"name": "X", "email": "x@example.dk"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_create_person_and_read_back(client, world, chair_headers):
    slug = world.cluster.slug
    response = client.post(
        f"/api/v1/clusters/{slug}/people",
        {"name": "Ny Læge", "email": "ny@example.dk", "practice_id": world.practice.pk},
        content_type="application/json",
        headers=chair_headers,
    )
    assert response.status_code == 201, response.content
    person_id = response.json()["id"]
    person = client.get(f"/api/v1/clusters/{slug}/people/{person_id}", headers=chair_headers).json()
    assert person["roles"] == ["medlem"] and person["practice_id"] == world.practice.pk


def test_a_practice_id_too_large_for_the_database_is_not_found(client, world):
    """An id in the body larger than any database holds (schemathesis found it) is a 404, not a 500."""
    chair, people = Api(client, world.chair), f"/clusters/{world.cluster.slug}/people"
    chair.post(people, {"name": "Stor Læge", "email": "stor@example.dk", "practice_id": 2**70}, expect=404)
    # Control: a real practice's id is taken.
    chair.post(people, {"name": "Stor Læge", "email": "stor@example.dk", "practice_id": world.practice.pk})


@pytest.mark.django_db
def test_revoked_token_is_refused(client, world):
    token, secret = api_token_create(person=world.chair, name="gammel")
    api_token_revoke(person=world.chair, token_id=token.pk)
    assert client.get("/api/v1/clusters", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.django_db
def test_roles_are_given_as_text_and_the_body_must_be_an_object(client, world, chair_headers):
    url = f"/api/v1/clusters/{world.cluster.slug}/people"
    response = client.post(
        url,
        {"name": "Ny Sekretær", "email": "sek@example.dk", "title": "sekretaer", "role": "klyngekoordinator"},
        content_type="application/json",
        headers=chair_headers,
    )
    assert response.status_code == 201 and response.json()["roles"] == ["klyngekoordinator"]
    response = client.post(url, '"AAA"', content_type="application/json", headers=chair_headers)
    assert response.status_code == 422
