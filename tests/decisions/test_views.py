import datetime as dt

import pytest
from django.utils import timezone

from klynge.core.services import api_token_create
from klynge.decisions import services
from klynge.decisions.models import Ballot, Motion, Poll, PollStatus
from tests.factories import PASSWORD
from tests.tenancy import assert_routes_hidden, cluster_routes, fill

from .helpers import make_meeting, online_poll, option

pytestmark = pytest.mark.django_db


def login(client, person):
    assert client.login(email=person.email, password=PASSWORD)


def build(world):
    """A motion with an attachment, a closed poll with its decision, and a charter version."""
    assembly = make_meeting(world.cluster)
    motion = services.motion_create(
        cluster=world.cluster,
        meeting=assembly,
        title="Nye værdier",
        text="Tekst",
        submitter=world.member,
        attachments=[("bilag.txt", b"hej")],
    )
    poll = online_poll(world, effect={"kind": "charter", "charter_kind": "values", "text": "Vi deler."})
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    decision = services.poll_close(poll=poll)
    return {
        "poll_id": poll.pk,
        "motion_id": motion.pk,
        "attachment_id": motion.attachments.get().pk,
        "decision_id": decision.pk,
        "kind": "values",
    }


def test_routes_of_another_cluster_are_hidden(client, world, other_world):
    mine = build(world)
    theirs = build(other_world)
    login(client, world.chair)
    assert client.get(f"/k/{world.cluster.slug}/afstemninger/{mine['poll_id']}/").status_code == 200
    assert_routes_hidden(client, namespace="decisions", slug=other_world.cluster.slug, ids=theirs)
    # Own slug with the other cluster's ids (an unknown document kind): every route with an id is 404.
    routes = [(r, n) for r, n in cluster_routes("decisions") if "<int:" in r or "<str:" in r]
    routes = [(r, n) for r, n in routes if not n.startswith("public_")]
    assert len(routes) >= 15
    for route, name in routes:
        path = fill(route, world.cluster.slug, theirs | {"kind": "x"})
        assert client.get(path).status_code in (404, 405), f"GET {path} ({name})"
        assert client.post(path, {"name": "x"}).status_code == 404, f"POST {path} ({name})"


def test_api_routes_of_another_cluster_are_hidden(client, world, other_world):
    theirs = build(other_world)
    _, secret = api_token_create(person=world.chair, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    slug = other_world.cluster.slug
    for url in (
        f"/api/v1/clusters/{slug}/motions",
        f"/api/v1/clusters/{slug}/polls",
        f"/api/v1/clusters/{slug}/polls/{theirs['poll_id']}",
        f"/api/v1/clusters/{slug}/polls/{theirs['poll_id']}/result",
        f"/api/v1/clusters/{slug}/decisions",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
    own = world.cluster.slug
    assert client.get(f"/api/v1/clusters/{own}/polls/{theirs['poll_id']}", headers=headers).status_code == 404
    response = client.post(
        f"/api/v1/clusters/{own}/polls/{theirs['poll_id']}/votes",
        {"option_ids": []},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404


def test_vote_and_result_through_the_api(client, world):
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    _, secret = api_token_create(person=world.member, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    base = f"/api/v1/clusters/{world.cluster.slug}/polls/{poll.pk}"
    assert client.get(base, headers=headers).json()["options"][0]["label"] == "Ja"
    response = client.post(
        base + "/votes",
        {"option_ids": [option(poll, "no")]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201 and response.json() == {"counted": True, "turnout": 1}
    again = client.post(
        base + "/votes",
        {"option_ids": [option(poll, "yes")]},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 400 and "allerede stemt" in again.json()["detail"]
    assert client.get(base + "/result", headers=headers).status_code == 409
    services.poll_close(poll=poll)
    services.poll_publish(poll=poll)
    result = client.get(base + "/result", headers=headers).json()
    assert result["counts"] == {"yes": 0, "no": 1, "abstain": 0} and result["adopted"] is False
    decisions = client.get(f"/api/v1/clusters/{world.cluster.slug}/decisions", headers=headers).json()
    assert decisions[0]["question"] == poll.question


def test_motion_through_the_api(client, world):
    assembly = make_meeting(world.cluster)
    _, secret = api_token_create(person=world.member, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/clusters/{world.cluster.slug}/motions"
    response = client.post(
        url,
        {"meeting_id": assembly.pk, "title": "Nyt forslag", "text": "..."},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert client.get(url, headers=headers).json()[0]["title"] == "Nyt forslag"


def test_chair_creates_opens_and_closes_a_poll_in_the_browser_forms(client, world):
    login(client, world.chair)
    base = f"/k/{world.cluster.slug}/afstemninger/"
    bad = client.post(base + "ny/", {"question": "", "kind": "yes_no", "majority": "simple"})
    assert bad.status_code == 400 and "Vælg et møde" in bad.content.decode()
    assert not Poll.objects.exists()
    closes = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        base + "ny/",
        {
            "question": "Skal vi holde internat?",
            "kind": "yes_no",
            "majority": "simple",
            "closes_at": closes,
            "secret": "on",
        },
    )
    poll = Poll.objects.get()
    assert response.status_code == 302 and poll.secret
    client.post(f"{base}{poll.pk}/aabn/")
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN
    page = client.get(f"{base}{poll.pk}/stem/").content.decode()
    assert "Din stemme" in page
    response = client.post(
        f"{base}{poll.pk}/stem/", {"choice": option(poll, "yes"), "on_behalf_of": world.chair.pk}
    )
    assert "Din stemme er modtaget" in response.content.decode()
    assert (
        sum(c.votes for c in poll.ballot_counts.all()) == 1 and not Ballot.objects.filter(poll=poll).exists()
    )
    screen = client.get(f"{base}{poll.pk}/skaerm/status/").content.decode()
    assert "1</span> af 2 har stemt" in screen and "Ja" not in screen.split("har stemt")[1]
    client.post(f"{base}{poll.pk}/luk/")
    screen = client.get(f"{base}{poll.pk}/skaerm/status/").content.decode()
    assert "Vedtaget" in screen
    # Members see the result once it is published.
    client.logout()
    login(client, world.member)
    assert "Resultatet vises her" in client.get(f"{base}{poll.pk}/stem/status/").content.decode()
    assert client.get(f"{base}{poll.pk}/skaerm/").status_code == 403
    services.poll_publish(poll=poll)
    assert "Vedtaget" in client.get(f"{base}{poll.pk}/stem/status/").content.decode()


def test_motion_form_refuses_after_deadline_and_bad_files(client, world):
    assembly = make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=3))
    login(client, world.member)
    url = f"/k/{world.cluster.slug}/forslag/nyt/"
    response = client.post(url, {"meeting": assembly.pk, "title": "Sent", "text": "..."})
    assert response.status_code == 400 and "Fristen for forslag" in response.content.decode()
    assert not Motion.objects.exists()


def test_public_page_without_login(client, world):
    services.charter_adopt(
        cluster=world.cluster,
        kind="values",
        text="## Værdier\nVi deler data.",
        adopted_on=dt.date(2022, 3, 14),
    )
    response = client.get(f"/k/{world.cluster.slug}/offentlig")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vi deler data." in page and "Formand Frida" in page
    assert client.get("/k/findes-ikke/offentlig").status_code == 404


def test_charter_compare_page(client, world):
    services.charter_adopt(cluster=world.cluster, kind="values", text="A\nB", adopted_on=dt.date(2021, 1, 1))
    services.charter_adopt(cluster=world.cluster, kind="values", text="A\nC", adopted_on=dt.date(2022, 1, 1))
    login(client, world.member)
    page = client.get(f"/k/{world.cluster.slug}/vedtaegter/values/sammenlign/?fra=1&til=2").content.decode()
    assert "− fjernet" in page and "+ tilføjet" in page


def test_board_runs_a_poll_through_the_api(client, world, other_world):
    _, secret = api_token_create(person=world.chair, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    base = f"/api/v1/clusters/{world.cluster.slug}/polls"
    closes = (timezone.now() + dt.timedelta(days=1)).isoformat()
    bad = client.post(
        base,
        {"question": "Valg", "kind": "multi", "options": ["A"], "closes_at": closes},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400 and "mindst to" in bad.json()["detail"]
    created = client.post(
        base,
        {
            "question": "Valg af bestyrelse",
            "kind": "multi",
            "options": ["Anna", "Bo", "Carl"],
            "seats": 2,
            "alternates": 1,
            "secret": True,
            "closes_at": closes,
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    poll_id = created.json()["id"]
    assert client.post(f"{base}/{poll_id}/open", headers=headers).json()["status"] == "open"
    anna, bo, carl = (o["id"] for o in created.json()["options"])
    client.post(
        f"{base}/{poll_id}/votes",
        {"option_ids": [anna, bo]},
        content_type="application/json",
        headers=headers,
    )
    decision = client.post(
        f"{base}/{poll_id}/close", {}, content_type="application/json", headers=headers
    ).json()
    assert decision["adopted"] and "Valgt: Anna, Bo" in decision["result"]
    assert client.post(f"{base}/{poll_id}/publish", headers=headers).json()["status"] == "published"
    # A member cannot manage polls; another cluster's poll is not found.
    _, member_secret = api_token_create(person=world.member, name="m")
    member = {"Authorization": f"Bearer {member_secret}"}
    assert (
        client.post(base, {"question": "X"}, content_type="application/json", headers=member).status_code
        == 404
    )
    theirs = online_poll(other_world)
    assert client.post(f"{base}/{theirs.pk}/open", headers=headers).status_code == 404


def test_draft_can_be_edited_but_not_once_open(client, world):
    poll = online_poll(world)
    login(client, world.chair)
    url = f"/k/{world.cluster.slug}/afstemninger/{poll.pk}/ret/"
    page = client.get(url).content.decode()
    assert "Skal klyngen have åbne data?" in page
    closes = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "question": "Hvor skal internatet holdes?",
            "kind": "single",
            "options": "Marienlyst\nBernstorff",
            "majority": "simple",
            "closes_at": closes,
        },
    )
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.question == "Hvor skal internatet holdes?"
    assert [o.label for o in poll.options.all()] == ["Marienlyst", "Bernstorff"]
    services.poll_open(poll=poll)
    client.post(url, {"question": "Noget andet", "kind": "yes_no", "majority": "simple", "closes_at": closes})
    poll.refresh_from_db()
    assert poll.question == "Hvor skal internatet holdes?"


def test_a_draft_tied_to_an_agenda_item_takes_the_items_meeting(client, world):
    from klynge.meetings.services import agenda_item_create

    poll = online_poll(world)
    assembly = make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=3))
    item = agenda_item_create(meeting=assembly, title="Valg til bestyrelsen")
    login(client, world.chair)
    url = f"/k/{world.cluster.slug}/afstemninger/{poll.pk}/ret/"
    answer = {"question": poll.question, "kind": "yes_no", "majority": "simple", "agenda_item": item.pk}
    assert client.post(url, answer).status_code == 302
    poll.refresh_from_db()
    assert (poll.agenda_item, poll.meeting) == (item, assembly)
    # An item of another meeting than the one chosen is refused, and nothing changes.
    other = agenda_item_create(meeting=make_meeting(world.cluster), title="Eventuelt")
    refused = client.post(url, {**answer, "agenda_item": other.pk, "meeting": assembly.pk})
    assert (
        refused.status_code == 400 and "Punktet står på et andet mødes dagsorden." in refused.content.decode()
    )
    poll.refresh_from_db()
    assert poll.agenda_item == item


def test_front_page_shows_the_open_poll(client, world):
    poll = online_poll(world)
    services.poll_open(poll=poll)
    login(client, world.member)
    page = client.get(f"/k/{world.cluster.slug}/").content.decode()
    assert f"/afstemninger/{poll.pk}/stem/" in page and poll.question in page
