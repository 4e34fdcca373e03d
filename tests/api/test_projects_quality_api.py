"""Projects and own data through the API: the scope check of unsaved text, the group, the cluster's
project settings, the cluster's own indicators and the counts a practice enters, the open-data setting."""

import pytest

from klynge.core.models import AuditEvent
from klynge.projects import services as projects
from klynge.projects.models import ProjectMember
from klynge.quality.models import Indicator, Measurement
from tests.api.client import Api
from tests.rows import table_rows

pytestmark = pytest.mark.django_db


def test_scope_check_group_and_settings(client, world):
    chair = Api(client, world.chair)
    member = Api(client, world.member)
    slug = world.cluster.slug
    project = projects.project_create(
        cluster=world.cluster, title="Bedre medicin", lead=world.chair, by=world.chair
    )
    flags = chair.post(
        f"/clusters/{slug}/projects/{project.pk}/scope-check",
        {"goals": "Bedre antibiotikabrug\nFærre opioider\nMindre polyfarmaci\nBedre samarbejde"},
        expect=200,
    )
    assert flags and all({"code", "title", "reason", "fix"} == set(f) for f in flags)
    member.post(f"/clusters/{slug}/projects/{project.pk}/scope-check", {}, expect=403)
    joined = member.post(f"/clusters/{slug}/projects/{project.pk}/join", expect=200)
    assert world.member.pk in {m["person_id"] for m in joined["members"]}
    led = chair.post(
        f"/clusters/{slug}/projects/{project.pk}/members",
        {"person_id": world.member.pk, "action": "lead"},
        expect=200,
    )
    assert next(m for m in led["members"] if m["person_id"] == world.member.pk)["is_lead"]
    left = member.delete(f"/clusters/{slug}/projects/{project.pk}/join", expect=400)
    assert "Tovholderen kan ikke forlade gruppen" in left["detail"]
    member.post(
        f"/clusters/{slug}/projects/{project.pk}/members",
        {"person_id": world.chair.pk, "action": "remove"},
        expect=404,
    )
    assert ProjectMember.objects.filter(project=project).count() == 2
    chair.post(f"/clusters/{slug}/projects/{project.pk}/follow-up/accept", expect=400)
    assert chair.patch(f"/clusters/{slug}/project-settings", {"meeting_capacity": 2})["meeting_capacity"] == 2
    assert chair.get(f"/clusters/{slug}/project-settings")["horizon_months"] == 24
    member.get(f"/clusters/{slug}/project-settings", expect=404)


def test_an_own_indicator_in_ddd_is_refused(client, world):
    """A unit a member cannot count (DDD, or none known) is refused with a 400 and the Danish message
    and creates nothing; the rule is the service's, so the page refuses alike (tests/quality/test_pages.py)."""
    chair = Api(client, world.chair)
    url = f"/clusters/{world.cluster.slug}/indicators"
    fields = {"name_da": "Sovemidler", "numerator_label": "DDD", "denominator_label": "Tilmeldte"}
    message = "Vælg procent, pr. 1.000 tilmeldte pr. år eller antal."
    before = table_rows(Indicator, AuditEvent)
    for unit in ("ddd_per_1000_day", "furlongs"):
        refused = chair.post(url, {**fields, "unit": unit}, expect=400)
        assert refused == {"detail": message, "errors": {"unit": [message]}}
    assert table_rows(Indicator, AuditEvent) == before
    # Control: the same indicator in a unit a member can count is created.
    assert chair.post(url, {**fields, "unit": "per_1000_year"})["unit"] == "per_1000_year"
    # The unit is answered first, as before, also when the name is taken as well.
    taken = chair.post(url, {**fields, "unit": "ddd_per_1000_day"}, expect=400)
    assert taken["errors"] == {"unit": [message]}


def test_own_indicator_counts_and_open_data(client, world):
    chair = Api(client, world.chair)
    member = Api(client, world.member)
    slug = world.cluster.slug
    indicator = chair.post(
        f"/clusters/{slug}/indicators",
        {
            "name_da": "Henvisninger til SOFT",
            "unit": "percent",
            "numerator_label": "Henvisninger via SOFT",
            "denominator_label": "Alle henvisninger",
        },
    )
    member.post(f"/clusters/{slug}/indicators", {"name_da": "X", "numerator_label": "x"}, expect=404)
    entry = member.post(
        f"/clusters/{slug}/indicators/{indicator['id']}/entries",
        {"period": "2025-Q3", "numerator": 12, "denominator": 40},
    )
    assert entry["practice_id"] == world.other_practice.pk
    bad = member.post(
        f"/clusters/{slug}/indicators/{indicator['id']}/entries",
        {"period": "sidste år", "numerator": 1, "denominator": 2},
        expect=400,
    )
    assert "2024-Q1" in bad["detail"]
    assert Measurement.objects.filter(practice=world.other_practice).count() == 1
    changed = chair.put(
        f"/clusters/{slug}/open-data", {"open_data": True, "reason": "Generalforsamlingen 10/3"}
    )
    assert changed["open_data"] and "Generalforsamlingen 10/3" in changed["open_data_reason"]
    member.put(f"/clusters/{slug}/open-data", {"open_data": False, "reason": "x"}, expect=404)
