import pytest

from klynge.surveys.models import Response, Survey

from .helpers import build_survey

pytestmark = pytest.mark.django_db


def api(slug, rest=""):
    return f"/api/v1/clusters/{slug}/surveys{rest}"


def test_create_answer_and_results(client, world):
    client.force_login(world.chair)
    response = client.post(
        api(world.cluster.slug),
        {
            "title": "Fra API",
            "closes_on": "2099-12-31",
            "min_responses": 1,
            "questions": [
                {"kind": "scale", "text": "Tilfreds?", "scale_min_label": "Lidt", "scale_max_label": "Meget"},
                {"kind": "yesno", "text": "Ja eller nej?", "required": True},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert [q["kind"] for q in data["questions"]] == ["scale", "yesno"]
    survey = Survey.objects.get(pk=data["id"])
    from klynge.surveys import services

    services.survey_send(survey=survey)
    scale, yesno = data["questions"]
    bad = client.post(
        api(world.cluster.slug, f"/{survey.pk}/responses"),
        {"answers": {str(scale["id"]): 9}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    ok = client.post(
        api(world.cluster.slug, f"/{survey.pk}/responses"),
        {"answers": {str(scale["id"]): 4, str(yesno["id"]): True}},
        content_type="application/json",
    )
    assert ok.status_code == 201
    again = client.post(
        api(world.cluster.slug, f"/{survey.pk}/responses"),
        {"answers": {str(scale["id"]): 4, str(yesno["id"]): True}},
        content_type="application/json",
    )
    assert again.status_code == 400 and "allerede" in again.json()["detail"]
    assert Response.objects.count() == 1
    results = client.get(api(world.cluster.slug, f"/{survey.pk}/results")).json()
    assert results["visible"] and results["questions"][0]["stats"]["mean"] == 4
    assert client.get(api(world.cluster.slug, f"/{survey.pk}/rate")).json()["answered"] == 1
    listing = client.get(api(world.cluster.slug)).json()
    assert [s["title"] for s in listing] == ["Fra API"]


def test_other_clusters_routes_are_404(client, world, other_world):
    theirs, q = build_survey(other_world.cluster)
    client.force_login(world.chair)
    slug = other_world.cluster.slug
    for path in ["", f"/{theirs.pk}", f"/{theirs.pk}/results", f"/{theirs.pk}/rate"]:
        assert client.get(api(slug, path)).status_code == 404, path
        assert client.get(api(world.cluster.slug, path)).status_code in (200, 404)
    assert client.get(api(world.cluster.slug, f"/{theirs.pk}")).status_code == 404
    assert client.get(api(world.cluster.slug, f"/{theirs.pk}/results")).status_code == 404
    assert (
        client.post(
            api(world.cluster.slug, f"/{theirs.pk}/responses"),
            {"answers": {}},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.post(api(slug), {"title": "x"}, content_type="application/json").status_code == 404


def test_bad_input_is_refused(client, world):
    client.force_login(world.chair)
    for body in [
        '"AAA"',
        "[1]",
        '{"title": 5}',
        '{"title": "x", "closes_on": 20301231}',
        '{"title": "x", "audience": "alle"}',
    ]:
        response = client.post(api(world.cluster.slug), body, content_type="application/json")
        assert response.status_code == 422, body
    assert not Survey.objects.exists()
