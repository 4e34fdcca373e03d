"""Pages and API routes of the project pipeline, and that other clusters see none of it."""

import datetime as dt
import re

import pytest

from klynge.core.services import api_token_create
from klynge.meetings.models import AgendaItem
from klynge.projects import services
from klynge.projects.models import Idea, ProjectStatus
from klynge.projects.rounds import services as round_services
from tests.tenancy import assert_routes_hidden, cluster_routes, fill

from .conftest import WELL_DELIMITED, meeting_on

pytestmark = pytest.mark.django_db
S = ProjectStatus


def build(world, members):
    round = round_services.round_create(cluster=world.cluster, title="Workshop", by=world.chair)
    idea = round_services.idea_submit(round=round, person=world.member, title="Fluconazol")
    round_services.signup_add(round=round, idea=idea, person=members[0])
    round_services.dot_add(round=round, idea=idea, person=members[0])
    project = services.project_create(
        cluster=world.cluster, title="", lead=members[0], board_contact=world.chair, idea=idea, by=world.chair
    )
    plan = services.rotation_propose(cluster=world.cluster, by=world.chair)
    slot_meeting = meeting_on(world.cluster, dt.date.today() + dt.timedelta(days=60))
    return {
        "round_id": round.pk,
        "idea_id": idea.pk,
        "project_id": project.pk,
        "slot_id": 1,
        "plan": plan,
        "meeting": slot_meeting,
        "project": project,
        "round": round,
    }


@pytest.fixture
def own(world, members):
    return build(world, members)


@pytest.fixture
def other(other_world):
    from tests.factories import make_person

    extra = [make_person(other_world.cluster, name=f"Anden {n}") for n in "AB"]
    return build(other_world, extra)


def ids(data):
    return {k: v for k, v in data.items() if k.endswith("_id")}


def test_pages_of_another_cluster_are_404(client, world, other_world, own, other):
    client.force_login(world.chair)
    assert_routes_hidden(client, namespace="projects", slug=other_world.cluster.slug, ids=ids(other))


def test_other_clusters_ids_in_own_cluster_urls_are_404(client, world, own, other):
    client.force_login(world.chair)
    routes = [(r, n) for r, n in cluster_routes("projects") if re.search(r"<int:\w+>", r)]
    assert len(routes) >= 15
    for route, name in routes:
        url = fill(route, world.cluster.slug, ids(other))
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"title": "x", "to_status": "beskrivelse"}).status_code == 404, f"POST {url}"
    assert not Idea.objects.filter(cluster=world.cluster, title="x").exists()


def test_join_code_of_another_cluster_is_unknown(client, world, own, other):
    client.force_login(world.member)
    assert client.get(f"/workshop/{other['round'].code}/").status_code == 404
    response = client.get("/workshop/", {"code": other["round"].code})
    assert response.status_code == 400 and "findes ikke" in response.content.decode()
    response = client.get("/workshop/", {"code": own["round"].code.lower()})
    assert response.status_code == 302 and f"/runder/{own['round_id']}/deltag/" in response["Location"]


def test_api_of_another_cluster_is_404(client, world, own, other, other_world):
    _, secret = api_token_create(person=world.chair, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = client.get("/api/v1/openapi.json").json()
    checked = 0
    values = {**ids(other), "slot_id": 1}
    for path, operations in schema["paths"].items():
        if "{slug}" not in path or not any(p in path for p in ("idea-rounds", "projects", "rotation")):
            continue
        url = path.replace("{slug}", other_world.cluster.slug)
        url = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), url)
        for method in operations:
            body = '{"title": "x", "lead_id": 1, "to_status": "beskrivelse", "meeting_id": 1, "duplicate_id": 1, "keep_id": 1}'
            data = {} if method == "get" else body
            response = getattr(client, method)(
                url, data=data, content_type="application/json", headers=headers
            )
            assert response.status_code in (404, 422), f"{method.upper()} {url}: {response.status_code}"
            checked += 1
    assert checked >= 15


def test_workshop_pages_for_board_and_member(client, world, members, own):
    round = own["round"]
    client.force_login(world.member)
    page = client.get(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/deltag/")
    assert page.status_code == 200 and "Fluconazol" in page.content.decode()
    response = client.post(
        f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/ideer/ny/", {"title": "", "description": "x"}
    )
    assert response.status_code == 400 and "Dette felt er påkrævet" in response.content.decode()
    client.post(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/ideer/ny/", {"title": "Osteoporose"})
    idea = Idea.objects.get(title="Osteoporose")
    client.post(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/ideer/{idea.pk}/prik/")
    client.post(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/ideer/{idea.pk}/gruppe/")
    assert idea.dots.count() == 1 and idea.signups.filter(person=world.member).exists()

    wall = client.get(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/vaeg/").content.decode()
    assert "<svg" in wall and round.code in wall and 'hx-trigger="every 2s"' in wall
    assert "<script" not in wall.split("<body", 1)[1].replace('<script src="', "")  # no inline script
    assert "style=" not in wall
    fragment = client.get(
        f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/vaeg/indhold/"
    ).content.decode()
    assert "Osteoporose" in fragment and "<html" not in fragment

    assert client.post(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/luk/").status_code == 403
    client.force_login(world.chair)
    client.post(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/luk/")
    round.refresh_from_db()
    assert not round.is_open
    page = client.get(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/").content.decode()
    assert "Rangeret liste" in page


def test_live_scope_check_and_edit_rights(client, world, members, own):
    base = f"/k/{world.cluster.slug}/projekter/{own['project_id']}/"
    client.force_login(members[2])  # a member outside the group
    assert client.get(base).status_code == 200
    assert client.get(base + "ret/").status_code == 404
    assert client.post(base + "tjek/", {"goals": "x"}).status_code == 404
    assert client.post(base + "status/", {"to_status": "beskrivelse"}).status_code == 404

    client.force_login(members[0])  # the lead
    page = client.get(base + "ret/").content.decode()
    assert 'hx-trigger="keyup changed delay:500ms' in page and "Ingen tovholder" not in page
    fragment = client.post(
        base + "tjek/", {"goals": "Bedre brug af medicin", "plan_months": "30"}
    ).content.decode()
    assert "Mål uden målværdi og dato" in fragment and "Tidsplan over 12 måneder" in fragment
    data = {k: v for k, v in WELL_DELIMITED.items() if k not in ("lead_count", "indicator_codes")}
    data["revisit_date"] = "2027-09-01"
    data["indicator_codes"] = "J02AC01"
    fragment = client.post(base + "tjek/", data).content.decode()
    assert "godt afgrænset" in fragment

    response = client.post(base + "ret/", {**data, "plan_months": "abc"})
    assert response.status_code == 400
    response = client.post(base + "ret/", data)
    assert response.status_code == 302
    project = own["project"]
    project.refresh_from_db()
    assert project.indicator_codes == ["J02AC01"] and project.status == S.DESCRIPTION
    client.post(base + "ret/", {**data, "purpose": "Vi vil bruge fluconazol mindre."})
    versions = client.get(base + "versioner/").content.decode()
    assert "<del>" in versions and "<ins>" in versions and "mindre." in versions

    client.post(base + "status/", {"to_status": "klar"})
    project.refresh_from_db()
    assert project.status == S.READY
    client.post(base + "status/", {"to_status": "godkendt"})
    project.refresh_from_db()
    assert project.status == S.READY  # only the board approves


def test_rotation_page_publish_and_member_view(client, world, members, own):
    project = own["project"]
    services.project_save(
        project=project, by=world.chair, revisit_date=dt.date.today() + dt.timedelta(days=500)
    )
    services.project_transition(project=project, to_status=S.READY, by=world.chair)
    services.project_transition(project=project, to_status=S.APPROVED, by=world.chair)
    base = f"/k/{world.cluster.slug}/projekter/rotation/"
    client.force_login(world.chair)
    client.post(base + "forslag/")
    page = client.get(base).content.decode()
    assert "Fluconazol" in page and "Offentliggør planen" in page
    client.post(base + "offentliggoer/")
    assert AgendaItem.objects.filter(meeting=own["meeting"], title="Klyngeprojekt: Fluconazol").exists()
    client.force_login(world.member)
    page = client.get(base).content.decode()
    assert "Offentliggjort plan" in page and "Fluconazol" in page and "Offentliggør" not in page
    assert client.post(base + "forslag/").status_code == 403
    home = client.get(f"/k/{world.cluster.slug}/").content.decode()
    assert "Næste projekter på klyngemøderne" in home


def test_load_pages(client, world, members, own):
    client.force_login(members[0])
    page = client.get(f"/k/{world.cluster.slug}/projekter/tid/").content.decode()
    assert "Fluconazol" in page and "tovholder" in page
    assert client.get(f"/k/{world.cluster.slug}/projekter/tid/alle/").status_code == 403
    client.force_login(world.chair)
    page = client.get(f"/k/{world.cluster.slug}/projekter/tid/alle/").content.decode()
    assert "Læge A" in page and "Formand" in page


def test_api_workshop_flow(client, world, members):
    _, secret = api_token_create(person=world.chair, name="t")
    chair = {"Authorization": f"Bearer {secret}"}
    _, member_secret = api_token_create(person=members[0], name="t")
    member = {"Authorization": f"Bearer {member_secret}"}
    base = f"/api/v1/clusters/{world.cluster.slug}"
    response = client.post(
        base + "/idea-rounds",
        {"title": "API-runde", "dots_per_member": 2},
        content_type="application/json",
        headers=chair,
    )
    assert response.status_code == 201, response.content
    round_id = response.json()["id"]
    response = client.post(base + "/idea-rounds", '"AAA"', content_type="application/json", headers=chair)
    assert response.status_code == 422
    response = client.post(
        f"{base}/idea-rounds/{round_id}/ideas",
        {"title": "Sygemeldinger"},
        content_type="application/json",
        headers=member,
    )
    assert response.status_code == 201
    idea_id = response.json()["id"]
    assert (
        client.post(f"{base}/idea-rounds/{round_id}/ideas/{idea_id}/dots", headers=member).json()["my_dots"]
        == 1
    )
    assert (
        client.post(f"{base}/idea-rounds/{round_id}/ideas/{idea_id}/signup", headers=member).status_code
        == 201
    )
    client.post(f"{base}/idea-rounds/{round_id}/ideas/{idea_id}/dots", headers=member)
    response = client.post(f"{base}/idea-rounds/{round_id}/ideas/{idea_id}/dots", headers=member)
    assert response.status_code == 400 and "prikker" in response.json()["detail"]
    assert client.post(f"{base}/idea-rounds/{round_id}/close", headers=member).status_code == 404
    ranking = client.post(f"{base}/idea-rounds/{round_id}/close", headers=chair).json()
    assert ranking[0]["title"] == "Sygemeldinger" and ranking[0]["dots"] == 2
    response = client.post(
        base + "/projects",
        {
            "title": "Sygemeldinger",
            "lead_id": members[0].pk,
            "board_contact_id": world.chair.pk,
            "idea_id": idea_id,
        },
        content_type="application/json",
        headers=chair,
    )
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["members"] == [{"person_id": members[0].pk, "name": "Læge A", "is_lead": True}]
    assert "no_measurable_goal" in project["scope_flags"]
    url = f"{base}/projects/{project['id']}"
    response = client.patch(
        url,
        {"goals": "Under 20 LÆ 285 pr. 1.000 patienter i 2027"},
        content_type="application/json",
        headers=member,
    )
    assert response.status_code == 200 and "no_measurable_goal" not in response.json()["scope_flags"]
    _, outsider_secret = api_token_create(person=members[1], name="t")
    response = client.patch(
        url,
        {"goals": "Snyd"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {outsider_secret}"},
    )
    assert response.status_code == 403
    assert client.get(base + "/projects", headers=member).json()[0]["title"] == "Sygemeldinger"
    assert client.get(base + "/rotation", headers=member).status_code == 404
    assert client.post(base + "/rotation/propose", headers=chair).status_code == 201


def test_board_forms_round_merge_project_and_settings(client, world, members):
    slug = world.cluster.slug
    client.force_login(world.member)
    assert client.get(f"/k/{slug}/projekter/runder/ny/").status_code == 403
    client.force_login(world.chair)
    response = client.post(f"/k/{slug}/projekter/runder/ny/", {"title": "", "dots_per_member": "0"})
    assert response.status_code == 400 and "Dette felt er påkrævet" in response.content.decode()
    meeting = meeting_on(world.cluster, dt.date.today() + dt.timedelta(days=3), kind="workshop")
    response = client.post(
        f"/k/{slug}/projekter/runder/ny/",
        {"title": "Workshop", "meeting": meeting.pk, "dots_per_member": "2", "group_limit": "4"},
    )
    assert response.status_code == 302
    round = world.cluster.idea_rounds.get()
    assert round.meeting == meeting and round.dots_per_member == 2 and not round.allow_stacking
    a = round_services.idea_submit(round=round, person=members[0], title="Antibiotika")
    b = round_services.idea_submit(round=round, person=members[1], title="Antibiotika igen")
    round_services.dot_add(round=round, idea=b, person=members[1])
    client.post(f"/k/{slug}/projekter/runder/{round.pk}/saml/", {"duplicate": b.pk, "keep": a.pk})
    assert a.dots.count() == 1
    client.post(f"/k/{slug}/projekter/runder/{round.pk}/luk/")
    page = client.get(f"/k/{slug}/projekter/runder/{round.pk}/").content.decode()
    ranking = page.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    assert "Lav projekt" in ranking and "Antibiotika igen" not in ranking

    url = f"/k/{slug}/projekter/ideer/{a.pk}/nyt-projekt/"
    assert client.post(url, {"title": "Antibiotika", "lead": "", "board_contact": ""}).status_code == 400
    response = client.post(
        url, {"title": "Antibiotika", "lead": members[0].pk, "board_contact": members[1].pk}
    )
    assert response.status_code == 400  # only board members can be the board contact
    response = client.post(
        url, {"title": "Antibiotika", "lead": members[0].pk, "board_contact": world.chair.pk}
    )
    assert response.status_code == 302
    project = world.cluster.projects.get()
    assert project.rank == 1 and project.board_contact == world.chair

    response = client.post(
        f"/k/{slug}/projekter/indstillinger/",
        {"meeting_capacity": "2", "reminder_months": "3", "horizon_months": "24"},
    )
    assert response.status_code == 302
    assert world.cluster.project_settings.reminder_months == 3
    assert client.post(f"/k/{slug}/projekter/indstillinger/", {"meeting_capacity": "x"}).status_code == 400


def test_front_page_invites_a_new_round_when_all_are_taken_up(client, world, members):
    round = round_services.round_create(cluster=world.cluster, title="Workshop")
    idea = round_services.idea_submit(round=round, person=members[0], title="Osteoporose")
    round_services.round_close(round=round)
    project = services.project_create(cluster=world.cluster, title="", lead=members[0], idea=idea)
    client.force_login(world.chair)
    assert "Start en ny idérunde" not in client.get(f"/k/{world.cluster.slug}/").content.decode()
    services.project_save(
        project=project, by=world.chair, revisit_date=dt.date.today() + dt.timedelta(days=500)
    )
    for status in (S.READY, S.APPROVED):
        services.project_transition(project=project, to_status=status, by=world.chair)
    meeting_on(world.cluster, dt.date.today() + dt.timedelta(days=30))
    services.rotation_publish(plan=services.rotation_propose(cluster=world.cluster))
    services.project_reminders_run(today=dt.date.today() + dt.timedelta(days=31))
    assert "Start en ny idérunde" in client.get(f"/k/{world.cluster.slug}/").content.decode()
    client.force_login(members[1])
    assert "Start en ny idérunde" not in client.get(f"/k/{world.cluster.slug}/").content.decode()


def test_counts_and_labels_read_as_finished_danish(client, world, members):
    """»1 prik« (not »1 prikker«), and the template's labels as written (»PDSA-cyklusser«)."""
    round = round_services.round_create(
        cluster=world.cluster, title="Workshop", dots_per_member=1, by=world.chair
    )
    idea = round_services.idea_submit(round=round, person=world.member, title="Fluconazol")
    round_services.dot_add(round=round, idea=idea, person=members[0])
    client.force_login(world.chair)
    page = client.get(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/").content.decode()
    assert "1 prik pr. medlem" in page and "1 prik ·" in page and "1 prikker" not in page
    project = services.project_create(
        cluster=world.cluster,
        title="",
        lead=world.member,
        board_contact=world.chair,
        idea=idea,
        by=world.chair,
    )
    page = client.get(f"/k/{world.cluster.slug}/projekter/{project.pk}/").content.decode()
    assert "PDSA-cyklusser" in page and "Pdsa" not in page


def test_the_tovholder_is_picked_from_the_interest_group(client, world, members):
    round = round_services.round_create(cluster=world.cluster, title="Workshop", by=world.chair)
    idea = round_services.idea_submit(round=round, person=world.member, title="Osteoporose")
    for person in members[:2]:
        round_services.signup_add(round=round, idea=idea, person=person)
    round_services.round_close(round=round, by=world.chair)
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/projekter/ideer/{idea.pk}/nyt-projekt/"
    form = client.get(url).content.decode()
    lead_select = form.split('name="lead"', 1)[1].split("</select>", 1)[0]
    assert members[0].name in lead_select and members[1].name in lead_select
    assert members[2].name not in lead_select and world.member.name not in lead_select
    outsider = client.post(
        url, {"title": "Osteoporose", "lead": members[2].pk, "board_contact": world.chair.pk}
    )
    assert outsider.status_code == 400 and not world.cluster.projects.exists()
    # The service says the same to the API and the demo.
    with pytest.raises(Exception, match="interessegruppens"):
        services.project_create(cluster=world.cluster, title="", lead=members[2], idea=idea, by=world.chair)
    response = client.post(
        url, {"title": "Osteoporose", "lead": members[1].pk, "board_contact": world.chair.pk}
    )
    assert response.status_code == 302
    project = world.cluster.projects.get()
    assert {(m.person_id, m.is_lead) for m in project.members.all()} == {
        (members[0].pk, False),
        (members[1].pk, True),
    }
