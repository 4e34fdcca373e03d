"""The cluster's front page answers »what's next for me«: the next meeting with my answer and a way
to give it, what waits for me (a questionnaire, a ballot, my project group), and my data."""

import datetime as dt

import pytest
from django.utils import timezone

from klynge.decisions import services as decisions
from klynge.meetings import services as meetings
from klynge.meetings.models import MeetingKind
from klynge.projects import services as projects
from klynge.projects.rounds import services as rounds
from tests.surveys.helpers import build_survey

pytestmark = pytest.mark.django_db


def meeting(world, days, *, kind=MeetingKind.CLUSTER_MEETING, title="Klyngemøde", **kwargs):
    start = timezone.now() + dt.timedelta(days=days)
    return meetings.meeting_create(
        cluster=world.cluster,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
        **kwargs,
    )


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_next_meeting_with_my_answer_and_a_way_to_answer(client, world):
    board_only = meeting(world, 3, kind=MeetingKind.BOARD_MEETING, title="Bestyrelsesmøde")
    next_one = meeting(world, 10, theme="Antibiotika")
    meetings.agenda_item_create(meeting=next_one, title="Vores penicillin V-andel")
    later = meeting(world, 60)
    cancelled = meeting(world, 5, title="Aflyst møde")
    meetings.meeting_cancel(meeting=cancelled)
    meetings.meeting_invite_all(meeting=next_one, send_mail=False)
    home = f"/k/{world.cluster.slug}/"
    client.force_login(world.member)
    page = client.get(home).content.decode()
    block = section(page, "naeste-moede-h")
    # A member is not shown the board's meeting or a cancelled one as »next«.
    assert next_one.display_name in block.split("<h3>Senere</h3>")[0]
    assert board_only.display_name not in page and "Aflyst møde" not in block
    assert "Du har ikke svaret på invitationen endnu" in block and "Vores penicillin V-andel" in block
    assert later.display_name in block.split("<h3>Senere</h3>")[1]
    response = client.post(
        f"/k/{world.cluster.slug}/moeder/{next_one.pk}/svar/", {"answer": "kommer", "next": home}
    )
    assert response.status_code == 302 and response["Location"] == home
    block = section(client.get(home).content.decode(), "naeste-moede-h")
    assert "Dit svar på invitationen: <strong>Kommer</strong>" in block
    assert next_one.invitations.get(person=world.member).answer == "kommer"
    # »next« is never a way out of Klynge.
    response = client.post(
        f"/k/{world.cluster.slug}/moeder/{next_one.pk}/svar/",
        {"answer": "maaske", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/k/{world.cluster.slug}/moeder/{next_one.pk}/"
    # The board sees its own meeting first.
    client.force_login(world.chair)
    block = section(client.get(home).content.decode(), "naeste-moede-h")
    assert block.index(board_only.display_name) < block.index(next_one.display_name)


def test_what_waits_for_me_questionnaire_ballot_and_project_group(client, world):
    home = f"/k/{world.cluster.slug}/"
    client.force_login(world.member)
    assert "Intet venter på dig lige nu" in section(client.get(home).content.decode(), "venter-h")

    survey, _ = build_survey(world.cluster)
    poll = decisions.poll_create(
        cluster=world.cluster,
        question="Skal vi have åbne data?",
        closes_at=timezone.now() + dt.timedelta(days=7),
        by=world.chair,
    )
    decisions.poll_open(poll=poll, by=world.chair)
    round = rounds.round_create(cluster=world.cluster, title="Projektgenerering", by=world.chair)
    idea = rounds.idea_submit(round=round, person=world.member, title="Fluconazol")
    rounds.signup_add(round=round, idea=idea, person=world.member)
    rounds.round_close(round=round, by=world.chair)
    project = projects.project_create(
        cluster=world.cluster, title="", lead=world.member, idea=idea, by=world.chair
    )
    ga = meeting(world, 40, kind=MeetingKind.GENERAL_ASSEMBLY, title="Generalforsamling")
    draft = decisions.poll_create(
        cluster=world.cluster, meeting=ga, question="Nye vedtægter?", by=world.chair
    )

    waiting = section(client.get(home).content.decode(), "venter-h")
    assert f'href="/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/svar/">{survey.title}' in waiting
    assert f'href="/k/{world.cluster.slug}/afstemninger/{poll.pk}/stem/">Skal vi have åbne data?' in waiting
    assert (
        f'href="/k/{world.cluster.slug}/projekter/{project.pk}/">Fluconazol</a> – du er tovholder' in waiting
    )
    assert "Nye vedtægter?" not in waiting  # a draft poll is the board's business
    # Soonest first: the ballot (7 days) before the questionnaire (14 days); the undated project last.
    assert (
        waiting.index("Skal vi have åbne data?") < waiting.index(survey.title) < waiting.index("Fluconazol")
    )

    # Once voted, the ballot no longer waits (it stays under the decisions, as open).
    decisions.vote_cast(poll=poll, person=world.member, option_ids=[poll.options.get(code="yes").pk])
    page = client.get(home).content.decode()
    assert "Skal vi have åbne data?" not in section(page, "venter-h")
    assert "Skal vi have åbne data?" in section(page, "afstemninger-forside")

    # The chair is told the general assembly's poll is ready to be opened.
    client.force_login(world.chair)
    waiting = section(client.get(home).content.decode(), "venter-h")
    assert (
        f'href="/k/{world.cluster.slug}/afstemninger/{draft.pk}/">Nye vedtægter?</a> – åbnes på {ga.display_name}'
        in waiting
    )


def test_the_front_page_is_not_for_another_cluster(client, world, other_world):
    client.force_login(other_world.member)
    assert client.get(f"/k/{world.cluster.slug}/").status_code == 404
