"""A member of one cluster gets 404 for every page and API route of another cluster.

The page routes are found from the URL configuration, so every view that later capabilities add
under /k/<slug>/ is covered here too; ids in the URL are filled with real ids of the other cluster.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from klynge.core.models import Practice


def cluster_routes():
    """(route template, name) for every URL pattern taking the cluster slug."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "<slug:slug>" in route:
                    yield route, pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def is_public(name: str | None) -> bool:
    """Routes meant for people without a login (public page, public feed) are named public_*."""
    return bool(name) and name.startswith("public_")


def fill(route: str, slug: str, ids: dict[str, int]) -> str:
    def value(match):
        converter, name = match.group(1), match.group(2)
        if name == "slug":
            return slug
        if converter == "int":
            return str(ids.get(name, 1))
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def other_cluster_ids(other_world):
    return {
        "practice_id": other_world.practice.pk,
        "person_id": other_world.member.pk,
        "assignment_id": other_world.member.role_assignments.first().pk,
    }


@pytest.mark.django_db
def test_every_cluster_page_of_another_cluster_is_404(client, world, other_world, other_cluster_ids):
    client.force_login(world.chair)
    routes = [(r, n) for r, n in cluster_routes() if not is_public(n)]
    assert len(routes) >= 10
    for route, name in routes:
        url = fill(route, other_world.cluster.slug, other_cluster_ids)
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"name": "x"}).status_code in (404, 405), f"POST {url} ({name})"


@pytest.mark.django_db
def test_ids_of_another_cluster_in_own_cluster_urls_are_404(client, world, other_world, other_cluster_ids):
    client.force_login(world.chair)
    routes = [(r, n) for r, n in cluster_routes() if re.search(r"<int:\w+>", r) and not is_public(n)]
    for route, name in routes:
        url = fill(route, world.cluster.slug, other_cluster_ids)
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"role": "medlem"}).status_code == 404, f"POST {url} ({name})"
    assert other_world.member.role_assignments.filter(cluster=world.cluster).count() == 0


@pytest.mark.django_db
def test_practice_of_another_cluster_in_a_form_is_refused(client, world, other_world):
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/personer/inviter/"
    response = client.post(
        url,
        {
            "name": "Snyd",
            "email": "snyd@example.dk",
            "title": "praktiserende_laege",
            "practice": other_world.practice.pk,
            "role": "medlem",
        },
    )
    assert response.status_code == 400
    assert "Vælg et gyldigt valg" in response.content.decode() or "gyldig" in response.content.decode()
    assert not world.cluster.role_assignments.filter(person__email="snyd@example.dk").exists()


@pytest.mark.django_db
def test_every_api_route_of_another_cluster_is_404(client, world, other_world, other_cluster_ids):
    from klynge.core.services import api_token_create

    _, secret = api_token_create(person=world.chair, name="test")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        if "{slug}" not in path:
            continue
        url = path.replace("{slug}", other_world.cluster.slug)
        url = re.sub(r"\{(\w+)\}", lambda m: str(other_cluster_ids.get(m.group(1), 1)), url)
        for method in operations:
            response = getattr(client, method)(
                url, data={} if method == "get" else "{}", content_type="application/json", headers=headers
            )
            assert response.status_code in (404, 422), f"{method.upper()} {url}: {response.status_code}"
            checked += 1
    assert checked >= 5
    assert Practice.objects.count() == 4


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_and_api_says_401(client, world):
    response = client.get(f"/k/{world.cluster.slug}/praksis/")
    assert response.status_code == 302 and "/log-ind/" in response["Location"]
    assert client.get("/api/v1/clusters").status_code == 401


@pytest.mark.django_db
def test_guest_sees_neither_register_nor_api(client, world):
    client.force_login(world.guest)
    assert client.get(f"/k/{world.cluster.slug}/personer/").status_code == 404
    assert client.get(f"/api/v1/clusters/{world.cluster.slug}/people").status_code == 404


@pytest.mark.django_db
def test_ids_too_large_for_the_database_are_404(client, world):
    client.force_login(world.chair)
    huge = 2**80
    assert client.get(f"/k/{world.cluster.slug}/praksis/{huge}/").status_code == 404
    from klynge.core.services import api_token_create

    _, secret = api_token_create(person=world.chair, name="t")
    response = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/practices/{huge}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 404


def _without_per_response_values(response) -> str:
    text = re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def test_a_board_page_refused_to_a_member_says_so_and_leaks_no_other_cluster(client, world, other_world):
    """A member who opens a board page of their own cluster is told they have no access there (403,
    with the way back), not that the cluster does not exist. The same page of a cluster they are not in
    answers exactly as a cluster that does not exist (the control: the refusal tells nothing more)."""
    client.force_login(world.member)
    own = client.get(f"/k/{world.cluster.slug}/log/")
    assert own.status_code == 403
    text = own.content.decode()
    assert "Du har ikke adgang til denne side i klyngen." in text and "Klyngen findes ikke" not in text
    assert f'href="/k/{world.cluster.slug}/"' in text

    other = client.get(f"/k/{other_world.cluster.slug}/log/")
    missing = client.get("/k/findes-ikke/log/")
    assert other.status_code == missing.status_code == 404
    # The same page but for the values drawn for each response (the scripts' nonce, the form token).
    assert _without_per_response_values(other) == _without_per_response_values(missing)
    # The API keeps its documented 404 (the chair is the control: the route exists and answers).
    assert client.get(f"/api/v1/clusters/{world.cluster.slug}/settings").status_code == 404
    client.force_login(world.chair)
    assert client.get(f"/api/v1/clusters/{world.cluster.slug}/settings").status_code == 200
