"""A live secret poll at a meeting: three voters on phones, the chair with the projector view."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.decisions import services
from klynge.decisions.models import Ballot
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import attendance_check_in, meeting_create
from tests.e2e.person import assert_axe
from tests.factories import PASSWORD, ClusterWorld, make_person

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_poll(transactional_db):
    world = ClusterWorld("Klynge Gentofte Test")
    voters = [
        world.member,
        *(make_person(world.cluster, Role.MEMBER, practice=world.practice) for _ in range(2)),
    ]
    start = timezone.now() - dt.timedelta(minutes=30)
    meeting = meeting_create(
        cluster=world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="Generalforsamling",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
    )
    for voter in voters:
        attendance_check_in(meeting=meeting, person=voter)
    attendance_check_in(meeting=meeting, person=world.alternate)
    poll = services.poll_create(
        cluster=world.cluster,
        meeting=meeting,
        question="Er der tillid til Strandens Lægehus?",
        secret=True,
        by=world.chair,
    )
    return world, voters, poll


def login(page, base, email):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).not_to_have_url(re.compile("/log-ind/"))


def test_live_poll_with_three_voters_and_the_projector(live_server, page, axe, live_poll):
    world, voters, poll = live_poll
    base = live_server.url
    slug = world.cluster.slug
    poll_url = f"{base}/k/{slug}/afstemninger/{poll.pk}/"

    # The chair: the poll's page and the projector view in a second tab.
    login(page, base, world.chair.email)
    page.goto(f"{base}/k/{slug}/afstemninger/")
    expect(page.get_by_role("link", name=poll.question)).to_be_visible()
    axe("afstemninger")
    page.get_by_role("link", name="Ny afstemning").click()
    expect(page.get_by_label("Spørgsmål")).to_be_visible()
    axe("ny afstemning")
    page.goto(poll_url)
    expect(page.get_by_role("heading", name=poll.question)).to_be_visible()
    axe("afstemningens side (kladde)")
    screen = page.context.new_page()
    screen.goto(poll_url + "skaerm/")
    expect(screen.get_by_text("Afstemningen åbner om lidt")).to_be_visible()

    # Three voters on their phones wait for the poll to open.
    browser = page.context.browser
    contexts, phones = [], []
    for voter in voters:
        context = browser.new_context(viewport=PHONE)
        phone = context.new_page()
        login(phone, base, voter.email)
        phone.goto(poll_url + "stem/")
        expect(phone.get_by_text("Afstemningen er ikke åbnet endnu")).to_be_visible()
        contexts.append(context)
        phones.append(phone)
    assert_axe(phones[0], "stemmeside før åbning")

    page.get_by_role("button", name="Åbn afstemningen").click()
    expect(page.get_by_text("Afstemningen er åben")).to_be_visible()
    expect(screen.get_by_text("0 af 3 har stemt")).to_be_visible()
    assert_axe(screen, "storskærm under afstemningen")

    # The ballots appear without reload; each voter chooses and gets a receipt.
    for phone, choice in zip(phones, ["Ja", "Nej", "Ja"], strict=True):
        expect(phone.get_by_role("group", name="Din stemme")).to_be_visible()
        phone.get_by_label(choice, exact=True).check()
        phone.get_by_role("button", name="Afgiv stemme").click()
        expect(phone.get_by_text("Din stemme er modtaget og talt med")).to_be_visible()
    assert_axe(phones[0], "kvittering")
    expect(screen.get_by_text("3 af 3 har stemt")).to_be_visible()
    # The projector never shows the running result.
    expect(screen.get_by_role("table")).to_have_count(0)
    # Counted, never kept as ballots: nothing in the database says who voted what.
    assert (
        sum(c.votes for c in poll.ballot_counts.all()) == 3 and not Ballot.objects.filter(poll=poll).exists()
    )

    page.reload()
    page.get_by_role("button", name="Luk afstemningen").click()
    expect(page.get_by_text("Afstemningen er lukket, og beslutningen")).to_be_visible()
    axe("afstemningens side (lukket)")
    expect(screen.get_by_text("Vedtaget.")).to_be_visible()
    expect(screen.get_by_role("row", name="Ja 2 66,7 %")).to_be_visible()
    assert_axe(screen, "storskærm med resultat")

    # The voters see the result once the chair publishes it.
    expect(phones[1].get_by_text("Resultatet vises her, når det er offentliggjort")).to_be_visible()
    page.get_by_role("button", name="Offentliggør resultatet").click()
    expect(phones[1].get_by_role("row", name="Nej 1 33,3 %")).to_be_visible()
    assert_axe(phones[0], "resultat på telefonen")
    for context in contexts:
        context.close()
