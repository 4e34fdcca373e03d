"""The board builds a questionnaire from a template, reorders it, and shows results with charts."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from klynge.surveys import services
from klynge.surveys.models import QuestionKind
from tests.surveys.helpers import answer, build_survey


@pytest.fixture
def data(transactional_db):
    from tests.factories import ClusterWorld

    world = ClusterWorld("Klynge Gentofte")
    survey, questions = build_survey(world.cluster, by=world.chair)
    for person, single in ((world.chair, 0), (world.member, 0), (world.alternate, 2)):
        answer(survey, person, questions, single=single, text=f"Ønske fra {person.name}")
    template = services.survey_create(cluster=None, title="KIAP: Trivsel", is_template=True)
    services.question_add(survey=template, kind=QuestionKind.YES_NO, text="Trives du?")
    services.question_add(survey=template, kind=QuestionKind.NUMBER, text="Timer om ugen")
    return world, survey


def test_board_uses_a_template_and_shows_results(live_server, page, axe, data):
    world, survey = data
    client = Client()
    client.force_login(world.chair)
    base = live_server.url
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])

    page.goto(f"{base}/k/{world.cluster.slug}/spoergeskemaer/")
    expect(page.get_by_role("heading", name="Spørgeskemaer")).to_be_visible()
    axe("liste")
    page.get_by_role("link", name="Nyt spørgeskema").click()
    page.get_by_label("Titel").fill("")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dette felt er påkrævet").first).to_be_visible()
    axe("nyt spørgeskema med fejl")
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Brug en skabelon").click()
    axe("skabeloner")
    page.get_by_role("button", name="Brug skabelonen KIAP: Trivsel").click()
    expect(page.get_by_role("heading", name="KIAP: Trivsel")).to_be_visible()
    axe("bygger")
    items = page.locator("#spoergsmaal-liste li")
    expect(items.first).to_contain_text("Trives du?")
    page.get_by_role("button", name=re.compile(r"^Ned\s*:\s*Trives du\?$")).click()  # htmx swaps the list
    expect(items.first).to_contain_text("Timer om ugen")
    page.get_by_role("link", name="Tilføj spørgsmål eller afsnit").click()
    axe("nyt spørgsmål")

    page.goto(f"{base}/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/resultater/")
    expect(page.get_by_role("heading", name="Resultater: Henvisninger til kommunale tilbud")).to_be_visible()
    expect(page.locator(".klynge-chart svg").first).to_be_visible()
    expect(page.get_by_role("row", name="Ugentligt 2 67 %")).to_be_visible()
    expect(page.get_by_text("Ønske fra Medlem Mona")).to_be_visible()
    axe("resultater")
    page.get_by_role("link", name="Vis på mødet").click()
    expect(page.locator(".klynge-present .klynge-chart svg").first).to_be_visible()
    axe("præsentation")
