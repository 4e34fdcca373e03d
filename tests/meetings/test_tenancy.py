import pytest

from klynge.meetings import services
from tests.tenancy import assert_routes_hidden, cluster_routes, fill

from .conftest import make_meeting


@pytest.fixture
def ids(other_world):
    package = services.package_create(cluster=other_world.cluster, title="P", source="cluster")
    meeting = make_meeting(other_world.cluster, package=package)
    item = services.agenda_item_create(meeting=meeting, title="Punkt")
    guest = services.guest_add(meeting=meeting, name="G", email="g@example.org")
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.package_attachment_add(
        package=package, title="b", upload=SimpleUploadedFile("b.pdf", b"x")
    )
    document = services.document_create(
        cluster=other_world.cluster, title="D", category="other", upload=SimpleUploadedFile("d.pdf", b"x")
    )
    return {
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "guest_id": guest.pk,
        "person_id": other_world.member.pk,
        "package_id": package.pk,
        "attachment_id": attachment.pk,
        "document_id": document.pk,
        "number": 1,
    }


def test_routes_hidden_across_clusters(client, world, other_world, ids):
    client.force_login(world.chair)
    assert_routes_hidden(client, namespace="meetings", slug=other_world.cluster.slug, ids=ids, min_routes=20)
    # Own cluster's slug with the other cluster's ids: every route that takes an id answers 404.
    routes = [(r, n) for r, n in cluster_routes("meetings") if "<int:" in r and not n.startswith("public_")]
    assert len(routes) >= 20
    for route, name in routes:
        path = fill(route, world.cluster.slug, ids)
        assert client.get(path).status_code in (404, 405), f"GET {path} ({name})"
        assert client.post(path, {"name": "x"}).status_code == 404, f"POST {path} ({name})"


def test_api_routes_of_another_cluster_are_404(client, world, other_world, ids):
    client.force_login(world.chair)
    slug, m = other_world.cluster.slug, ids["meeting_id"]
    for path in [
        f"/api/v1/clusters/{slug}/meetings",
        f"/api/v1/clusters/{slug}/meetings/{m}",
        f"/api/v1/clusters/{slug}/meetings/{m}/agenda",
        f"/api/v1/clusters/{slug}/meetings/{m}/answers",
        f"/api/v1/clusters/{slug}/meetings/{m}/attendance",
        f"/api/v1/clusters/{world.cluster.slug}/meetings/{m}",
        f"/api/v1/clusters/{world.cluster.slug}/meetings/{m}/agenda",
    ]:
        assert client.get(path).status_code == 404, path
    assert (
        client.put(
            f"/api/v1/clusters/{slug}/meetings/{m}/answer",
            {"answer": "kommer"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/clusters/{world.cluster.slug}/meetings/{m}/attendance",
            {"person_id": 1},
            content_type="application/json",
        ).status_code
        == 404
    )
