"""The board builds, previews, sends and reminds; members answer; every id is looked up in the cluster."""

import datetime as dt

import pytest
from django.utils import timezone

from klynge.core.models import OutboxMessage
from klynge.meetings.models import AgendaItem
from klynge.meetings.services import meeting_create
from klynge.surveys import services
from klynge.surveys.models import Question, QuestionKind, Response, Survey
from tests.tenancy import assert_routes_hidden, cluster_routes, fill

from .helpers import answer, build_survey

pytestmark = pytest.mark.django_db


def url(world, survey=None, rest=""):
    base = f"/k/{world.cluster.slug}/spoergeskemaer/"
    return base + (f"{survey.pk}/" if survey else "") + rest


def test_board_builds_a_questionnaire(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url(world, rest="ny/"),
        {
            "title": "Før mødet",
            "audience": "members",
            "min_responses": 3,
            "anonymous": "on",
            "closes_on": "2030-01-01",
        },
    )
    survey = Survey.objects.get(title="Før mødet")
    assert response.status_code == 302 and survey.cluster == world.cluster
    bad = client.post(
        url(world, survey, "spoergsmaal/ny/"), {"kind": "single", "text": "Hvilken?", "options": "Kun én"}
    )
    assert bad.status_code == 400 and "mindst to svarmuligheder" in bad.content.decode()
    assert not survey.questions.exists()
    for kind, text, options in [
        ("single", "Hvilken?", "A\nB"),
        ("section", "Del 2", ""),
        ("text", "Kommentar", ""),
    ]:
        assert (
            client.post(
                url(world, survey, "spoergsmaal/ny/"), {"kind": kind, "text": text, "options": options}
            ).status_code
            == 302
        )
    first, section, last = survey.questions.order_by("position")
    # Reordering with plain POST and with htmx.
    client.post(url(world, survey, f"spoergsmaal/{last.pk}/flyt/"), {"direction": "up"})
    assert [q.text for q in survey.questions.order_by("position")] == ["Hvilken?", "Kommentar", "Del 2"]
    response = client.post(
        url(world, survey, f"spoergsmaal/{first.pk}/flyt/"), {"direction": "down"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<ol" in response.content.decode()
    assert [q.text for q in survey.questions.order_by("position")] == ["Kommentar", "Hvilken?", "Del 2"]

    preview = client.get(url(world, survey, "forhaandsvisning/")).content.decode()
    assert "klynge-phone" in preview and "Hvilken?" in preview and "<legend" in preview


def test_send_mails_personal_links_and_members_answer_without_login(client, world):
    survey, q = build_survey(world.cluster, send=False)
    client.force_login(world.chair)
    detail = client.get(url(world, survey)).content.decode()
    assert "Send spørgeskemaet ud" in detail
    client.post(url(world, survey, "send/"))
    survey.refresh_from_db()
    assert survey.status == "sent"
    recipients = {m.to for m in OutboxMessage.objects.all()}
    assert world.member.email in recipients and world.guest.email not in recipients
    client.logout()

    mail = OutboxMessage.objects.get(to=world.member.email)
    link = next(line for line in mail.body.splitlines() if "/spoergeskema/" in line).strip()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Hvor ofte henviser du?" in page.content.decode()
    missing = client.post(path, {})
    assert missing.status_code == 400 and "Spørgsmålet skal besvares" in missing.content.decode()
    assert not Response.objects.exists()
    ok = client.post(
        path, {f"q{q['single'].pk}": "1", f"q{q['text'].pk}": "=1+1", f"q{q['number'].pk}": "3,5"}
    )
    assert ok.status_code == 302
    again = client.get(path).content.decode()
    assert "Tak for dit svar" in again
    assert client.post(path, {f"q{q['single'].pk}": "0"}).status_code == 200
    assert Response.objects.count() == 1
    assert client.get("/spoergeskema/forfalsket-link/").status_code == 404


def test_logged_in_member_answers_and_reminders_go_to_the_rest(client, world):
    survey, q = build_survey(world.cluster)
    client.force_login(world.member)
    waiting = client.get(f"/k/{world.cluster.slug}/").content.decode().split('id="venter-h"', 1)[1]
    assert (
        f'<strong>Spørgeskema:</strong> <a href="/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/svar/"'
        in waiting
    )
    response = client.post(url(world, survey, "svar/"), {f"q{q['single'].pk}": "0"})
    assert response.status_code == 302
    assert survey.title not in client.get(f"/k/{world.cluster.slug}/").content.decode()
    assert "Tak for dit svar" in client.get(url(world, survey, "svar/")).content.decode()

    OutboxMessage.objects.all().delete()
    client.force_login(world.chair)
    assert "1 af 4" in client.get(url(world, survey, "svarprocent/")).content.decode()
    client.post(url(world, survey, "paamind/"))
    reminded = set(OutboxMessage.objects.values_list("to", flat=True))
    assert world.member.email not in reminded and world.chair.email in reminded
    assert all(m.subject.startswith("Påmindelse") for m in OutboxMessage.objects.all())


def test_reminder_command(world):
    from django.core.management import call_command

    survey, q = build_survey(world.cluster)
    Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now() - dt.timedelta(days=4))
    OutboxMessage.objects.all().delete()
    call_command("survey_reminders")
    assert OutboxMessage.objects.count() == 4
    call_command("survey_reminders")  # reminded just now: not again
    assert OutboxMessage.objects.count() == 4


def test_question_with_answers_cannot_change_meaning(client, world):
    survey, q = build_survey(world.cluster)
    answer(survey, world.member, q)
    client.force_login(world.chair)
    question = q["single"]
    form = client.get(url(world, survey, f"spoergsmaal/{question.pk}/ret/")).content.decode()
    assert "allerede svar" in form
    response = client.post(
        url(world, survey, f"spoergsmaal/{question.pk}/ret/"),
        {"kind": "single", "text": question.text, "options": "Ugentligt\nSjældnere\nMånedligt"},
    )
    assert response.status_code == 400 and "kopiere spørgeskemaet" in response.content.decode()
    question.refresh_from_db()
    assert question.options == ["Ugentligt", "Månedligt", "Sjældnere"]
    response = client.post(
        url(world, survey, f"spoergsmaal/{question.pk}/ret/"),
        {"kind": "multiple", "text": question.text, "options": "Ugentligt\nMånedligt\nSjældnere"},
    )
    assert response.status_code == 400
    ok = client.post(
        url(world, survey, f"spoergsmaal/{question.pk}/ret/"),
        {
            "kind": "single",
            "text": question.text,
            "options": "Ugentligt\nMånedligt\nSjældnere",
            "help_text": "Tænk på det seneste halve år",
            "required": "on",
        },
    )
    assert ok.status_code == 302
    question.refresh_from_db()
    assert question.help_text == "Tænk på det seneste halve år"
    client.post(url(world, survey, f"spoergsmaal/{question.pk}/slet/"))
    assert Question.objects.filter(pk=question.pk).exists()
    # Anonymity cannot be switched off once there are answers.
    with pytest.raises(Exception, match="anonymitet"):
        services.survey_update(survey=survey, anonymous=False)

    # The way out: a copy, with the same questions and no answers.
    response = client.post(url(world, survey, "kopier/"), {"title": "Henvisninger, ny udgave"})
    copy = Survey.objects.get(title="Henvisninger, ny udgave")
    assert (
        response.status_code == 302
        and copy.status == "draft"
        and copy.questions.count() == survey.questions.count()
    )
    services.question_update(question=copy.questions.get(text=question.text), options=["Ofte", "Sjældent"])


def test_template_library(client, world, other_world):
    platform = services.survey_create(cluster=None, title="KIAP: Henvisninger", is_template=True)
    services.question_add(survey=platform, kind=QuestionKind.YES_NO, text="Henviser du?")
    theirs = services.survey_create(cluster=other_world.cluster, title="Sydens skabelon", is_template=True)
    client.force_login(world.chair)
    page = client.get(url(world, rest="skabeloner/")).content.decode()
    assert "KIAP: Henvisninger" in page and "Sydens skabelon" not in page
    assert client.post(url(world, rest=f"skabeloner/{theirs.pk}/brug/")).status_code == 404
    client.post(url(world, rest=f"skabeloner/{platform.pk}/brug/"))
    copy = Survey.objects.get(cluster=world.cluster, title="KIAP: Henvisninger")
    assert not copy.is_template and copy.questions.get().text == "Henviser du?"
    # The cluster saves its own questionnaire as a template.
    client.post(url(world, copy, "gem-som-skabelon/"))
    assert Survey.objects.filter(cluster=world.cluster, is_template=True).count() == 1
    # A member may neither build nor use templates.
    client.force_login(world.member)
    assert client.get(url(world, rest="skabeloner/")).status_code == 403


def test_meeting_link_and_agenda(client, world):
    start = timezone.now() + dt.timedelta(days=20)
    meeting = meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Klyngemøde om henvisninger",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
    )
    survey, q = build_survey(world.cluster)
    services.survey_update(survey=survey, meeting=meeting)
    client.force_login(world.chair)
    client.post(url(world, survey, "dagsorden/"))
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.link_url.endswith(f"/spoergeskemaer/{survey.pk}/resultater/")
    client.post(url(world, survey, "dagsorden/"))  # twice: still one item
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_members_cannot_manage(client, world):
    survey, q = build_survey(world.cluster)
    client.force_login(world.member)
    assert client.get(url(world, survey)).status_code == 403
    assert client.post(url(world, survey, "send/")).status_code == 403
    assert client.get(url(world, survey, "resultater.xlsx")).status_code == 403
    assert client.get(url(world)).status_code == 200
    client.force_login(world.guest)
    assert client.get(url(world)).status_code == 404


def test_tenancy(client, world, other_world):
    theirs, their_q = build_survey(other_world.cluster)
    ids = {"survey_id": theirs.pk, "question_id": their_q["single"].pk}
    client.force_login(world.chair)
    assert_routes_hidden(client, namespace="surveys", slug=other_world.cluster.slug, ids=ids, min_routes=20)
    # My own slug with their ids: every route that takes an id (assert_routes_hidden also tries the
    # routes without ids, which rightly answer 200 in one's own cluster).
    routes = [(r, n) for r, n in cluster_routes("surveys") if "_id>" in r and not n.startswith("public_")]
    assert len(routes) >= 18
    for route, name in routes:
        target = fill(route, world.cluster.slug, ids)
        assert client.get(target).status_code in (404, 405), f"GET {target} ({name})"
        assert client.post(target, {"name": "x", "direction": "up"}).status_code == 404, (
            f"POST {target} ({name})"
        )
    mine, my_q = build_survey(world.cluster)
    # Their question id with my survey id.
    assert client.get(url(world, mine, f"spoergsmaal/{their_q['single'].pk}/ret/")).status_code == 404
    assert theirs.questions.count() == 7 and theirs.status == "sent"


def test_staff_keep_platform_templates_in_the_admin(client, world):
    from klynge.core.models import Person
    from tests.factories import login_with_second_factor

    staff = Person.objects.create_superuser("stab@example.dk", "en-god-adgangskode-42")
    login_with_second_factor(client, staff)  # the admin asks for a second factor
    response = client.post(
        "/admin/surveys/survey/add/",
        {
            "title": "Fælles skabelon",
            "intro": "",
            "anonymous": "on",
            "min_responses": 3,
            "audience": "members",
            "roles": "[]",
            "questions-TOTAL_FORMS": 1,
            "questions-INITIAL_FORMS": 0,
            "questions-0-position": 0,
            "questions-0-kind": "yesno",
            "questions-0-text": "Henviser du?",
            "questions-0-options": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = Survey.objects.get(title="Fælles skabelon")
    assert template.is_template and template.cluster is None and template.questions.count() == 1
