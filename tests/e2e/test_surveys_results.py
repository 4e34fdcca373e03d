"""The board builds a questionnaire from a template, reorders it, and shows results with charts: at
1280 and 375 px (the `width` fixture), every step a click or a tap through tests/e2e/person.py."""

import re

import pytest
from playwright.sync_api import expect

from klynge.surveys import services
from klynge.surveys.models import QuestionKind
from tests.e2e.person import Person
from tests.factories import PASSWORD
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


def test_board_uses_a_template_and_shows_results(live_server, page, width, data):
    world, survey = data
    me = Person(page, live_server.url)
    me.login(world.chair.email, PASSWORD)
    me.click(page.get_by_role("link", name=world.cluster.name).first)
    me.nav("Spørgeskemaer")
    expect(page.get_by_role("heading", name="Spørgeskemaer")).to_be_visible()
    me.look("liste")
    me.click(page.get_by_role("link", name="Nyt spørgeskema"))
    me.fill(page.get_by_label("Titel"), "")
    me.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_text("Dette felt er påkrævet").first).to_be_visible()
    me.look("nyt spørgeskema med fejl")
    # The form's own way back, not the browser's: it leads to the list, not to the refused form.
    me.click(page.get_by_role("link", name="Annullér"))
    expect(page.get_by_role("heading", name="Spørgeskemaer")).to_be_visible()
    me.click(page.get_by_role("link", name="Brug en skabelon"))
    expect(page.get_by_role("button", name="Brug skabelonen KIAP: Trivsel")).to_be_visible()
    me.look("skabeloner")
    me.click(page.get_by_role("button", name="Brug skabelonen KIAP: Trivsel"))
    expect(page.get_by_role("heading", name="KIAP: Trivsel")).to_be_visible()
    me.look("bygger")
    items = page.locator("#spoergsmaal-liste li")
    expect(items.first).to_contain_text("Trives du?")
    me.click(page.get_by_role("button", name=re.compile(r"^Ned\s*:\s*Trives du\?$")))  # htmx swaps the list
    expect(items.first).to_contain_text("Timer om ugen")
    me.click(page.get_by_role("link", name="Tilføj spørgsmål eller afsnit"))
    expect(page.get_by_role("heading", name="Tilføj spørgsmål", level=1)).to_be_visible()
    me.look("nyt spørgsmål")

    me.goto(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/resultater/")
    expect(page.get_by_role("heading", name="Resultater: Henvisninger til kommunale tilbud")).to_be_visible()
    expect(page.locator(".klynge-chart svg").first).to_be_visible()
    expect(page.get_by_role("row", name="Ugentligt 2 67 %")).to_be_visible()
    expect(page.get_by_text("Ønske fra Medlem Mona")).to_be_visible()
    me.look("resultater")
    me.click(page.get_by_role("link", name="Vis på mødet"))
    expect(page.locator(".klynge-present .klynge-chart svg").first).to_be_visible()
    me.look("præsentation")
