"""The Østerbro demo: the six ideas, their groups, the fluconazole project and the two-year plan."""

import pytest

from klynge.core.models import Cluster
from klynge.demo.builder import load_demo
from klynge.projects import selectors
from klynge.projects.models import ProjectStatus, RoundStatus

pytestmark = pytest.mark.django_db


def test_demo_builds_the_osterbro_project_pipeline(client):
    load_demo()
    cluster = Cluster.objects.get(slug="osterbro")
    round = cluster.idea_rounds.get()
    assert round.status == RoundStatus.CLOSED and round.meeting is not None
    ranking = [r["title"] for r in round.ranking]
    assert len(ranking) == 6
    assert ranking[0] == "Fluconazol i almen praksis"
    assert set(ranking) == {
        "Fluconazol i almen praksis",
        "Kræftpakke-henvisninger (dialog med diagnostisk enhed)",
        "Kommunale henvisninger og SOFT-portalen",
        "Antibiotika i almen praksis – er vi opdaterede?",
        "Osteoporose i almen praksis",
        "Sygemeldinger i almen praksis",
    }
    fluconazole = cluster.projects.get(title="Fluconazol i almen praksis")
    assert fluconazole.indicator_codes == ["J02AC01"]
    assert "ordiprax+" in fluconazole.data_source
    assert selectors.project_scope(fluconazole) == []
    assert fluconazole.versions.count() >= 3
    assert fluconazole.status == ProjectStatus.PLANNED
    assert fluconazole.members.filter(is_lead=True).count() == 1
    sick = cluster.projects.get(title="Sygemeldinger i almen praksis")
    assert {f.code for f in selectors.project_scope(sick)} >= {"too_many_goals", "long_time_plan"}
    plan = selectors.rotation_published(cluster=cluster)
    slots = list(selectors.plan_slots(plan))
    assert [s.project.title for s in slots][0] == "Fluconazol i almen praksis"
    assert len(slots) == 4
    assert all(s.agenda_item is not None for s in slots)

    client.login(username="medlem@osterbro.demo", password="klynge-demo")
    page = client.get("/k/osterbro/projekter/rotation/").content.decode()
    assert "Fluconazol i almen praksis" in page
    assert "Fluconazol" in client.get("/k/osterbro/projekter/tid/").content.decode()
    client.login(username="formand@osterbro.demo", password="klynge-demo")
    assert client.get(f"/k/osterbro/projekter/{fluconazole.pk}/versioner/").status_code == 200
    assert client.get(f"/k/osterbro/projekter/runder/{round.pk}/").status_code == 200
