"""Every page and API route of the reports is hidden from other clusters."""

import pytest

from klynge.reports import services
from tests.tenancy import assert_routes_hidden, cluster_routes, fill

from .year import build_year


@pytest.fixture
def two(db, world):
    other = build_year("Klynge Anden")
    services.annual_report_create(cluster=other.world.cluster, year=2024, by=other.world.chair)
    return world, other


def test_pages_of_another_cluster_are_404(client, two):
    world, other = two
    client.force_login(world.chair)
    assert_routes_hidden(
        client,
        namespace="reports",
        slug=other.world.cluster.slug,
        ids={"year": 2024, "fmt": "pdf"},
        min_routes=8,
    )


def test_pages_of_own_cluster_with_a_year_out_of_range_are_404(client, two):
    world, _ = two
    client.force_login(world.chair)
    routes = [(r, n) for r, n in cluster_routes("reports") if "<int:" in r]
    assert len(routes) >= 7
    for route, name in routes:
        path = fill(route, world.cluster.slug, {"year": 1, "fmt": "pdf"})
        assert client.get(path).status_code in (404, 405), f"GET {path} ({name})"
        assert client.post(path, {"name": "x"}).status_code == 404, f"POST {path} ({name})"


def test_the_other_clusters_report_is_untouched_and_unseen(client, two):
    world, other = two
    client.force_login(world.chair)
    # The chair's own cluster has no report for 2024: its page shows its own (empty) draft, never the other's.
    html = client.get(f"/k/{world.cluster.slug}/beretning/2024/").content.decode()
    assert "Klynge Anden" not in html
    assert "Lægehuset ved Åen" not in html


API_PATHS = [
    ("get", "/annual-reports/2024/draft"),
    ("get", "/annual-reports/2024"),
    ("post", "/annual-reports/2024"),
    ("put", "/annual-reports/2024/text"),
    ("post", "/annual-reports/2024/regenerate"),
    ("get", "/annual-reports/2024/export/pdf"),
    ("get", "/activity-reports/2024"),
    ("get", "/activity-reports/2024/attendance-lists"),
]


def test_api_routes_of_another_cluster_are_404(client, two):
    world, other = two
    client.force_login(world.chair)
    bodies = {"put": {"text": "x"}, "post": {"take_new": True, "fingerprint": "x"}}
    for method, path in API_PATHS:
        url = f"/api/v1/clusters/{other.world.cluster.slug}{path}"
        call = getattr(client, method)
        response = call(url, data=bodies.get(method, {}), content_type="application/json")
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
    other.world.cluster.annual_reports.get(year=2024)  # still there, unchanged
    report = other.world.cluster.annual_reports.get(year=2024)
    assert report.edited_text == report.generated_text


def test_api_routes_with_a_year_out_of_range_are_404(client, two):
    world, _ = two
    client.force_login(world.chair)
    for method, path in API_PATHS:
        url = f"/api/v1/clusters/{world.cluster.slug}{path.replace('2024', '1999')}"
        response = getattr(client, method)(
            url, data={"text": "x", "take_new": True, "fingerprint": "x"}, content_type="application/json"
        )
        assert response.status_code == 404, url
