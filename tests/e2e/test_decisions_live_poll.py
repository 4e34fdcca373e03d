"""A live secret poll at a meeting: three voters on phones, the chair at 1280 and at 375 px (the
`width` fixture) with the projector view in a second window; every click through tests/e2e/person.py."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.decisions import services
from klynge.decisions.models import Ballot
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import attendance_check_in, meeting_create
from tests.e2e.person import DESKTOP, WIDTHS, Person
from tests.factories import PASSWORD, ClusterWorld, make_person


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


def test_live_poll_with_three_voters_and_the_projector(live_server, page, width, live_poll):
    world, voters, poll = live_poll
    base = live_server.url

    # The chair: the poll's page, and the projector view in a second window.
    chair = Person(page, base)
    chair.login(world.chair.email, PASSWORD)
    chair.nav("Afstemninger")
    expect(page.get_by_role("link", name=poll.question)).to_be_visible()
    chair.look(f"afstemninger ({width} px)")
    chair.click(page.get_by_role("link", name="Ny afstemning"))
    expect(page.get_by_label("Spørgsmål")).to_be_visible()
    chair.look(f"ny afstemning ({width} px)")
    chair.nav("Afstemninger")
    chair.click(page.get_by_role("link", name=poll.question))
    expect(page.get_by_role("heading", name=poll.question)).to_be_visible()
    poll_url = page.url
    chair.look(f"afstemningens side (kladde, {width} px)")
    # The projector is one size whatever the chair holds: a laptop's screen on the wall.
    screen = Person(page.context.new_page(), base)
    screen.page.set_viewport_size(DESKTOP)
    screen.goto(poll_url)
    screen.click(screen.page.get_by_role("link", name="Vis på storskærm"))
    expect(screen.page.get_by_text("Afstemningen åbner om lidt")).to_be_visible()

    # Three voters on their phones (at a meeting a member votes on the phone in their pocket; the
    # same ballot at 1280 px is in test_jobs.py) open the ballot's address and wait for the poll.
    browser = page.context.browser
    phones = []
    for voter in voters:
        phone = Person.in_new_window(browser, base, WIDTHS["375"])
        phone.login(voter.email, PASSWORD)
        phone.goto(poll_url + "stem/")
        expect(phone.page.get_by_text("Afstemningen er ikke åbnet endnu")).to_be_visible()
        phones.append(phone)
    phones[0].look("stemmeside før åbning")

    chair.click(page.get_by_role("button", name="Åbn afstemningen"))
    expect(page.get_by_text("Afstemningen er åben")).to_be_visible()
    expect(screen.page.get_by_text("0 af 3 har stemt")).to_be_visible()
    screen.look("storskærm under afstemningen")

    # The ballots appear without reload; each voter chooses and gets a receipt.
    for phone, choice in zip(phones, ["Ja", "Nej", "Ja"], strict=True):
        ballot = phone.page.get_by_role("group", name="Din stemme")
        expect(ballot).to_be_visible()
        phone.choose(ballot.get_by_label(choice, exact=True))
        phone.click(phone.page.get_by_role("button", name="Afgiv stemme"))
        expect(phone.page.get_by_text("Din stemme er modtaget og talt med")).to_be_visible()
    phones[0].look("kvittering")
    expect(screen.page.get_by_text("3 af 3 har stemt")).to_be_visible()
    # The projector never shows the running result.
    expect(screen.page.get_by_role("table")).to_have_count(0)
    # Counted, never kept as ballots: nothing in the database says who voted what.
    assert (
        sum(c.votes for c in poll.ballot_counts.all()) == 3 and not Ballot.objects.filter(poll=poll).exists()
    )

    page.reload()
    chair.click(page.get_by_role("button", name="Luk afstemningen"))
    expect(page.get_by_text("Afstemningen er lukket, og beslutningen")).to_be_visible()
    chair.look(f"afstemningens side (lukket, {width} px)")
    expect(screen.page.get_by_text("Vedtaget.")).to_be_visible()
    expect(screen.page.get_by_role("row", name="Ja 2 66,7 %")).to_be_visible()
    screen.look("storskærm med resultat")

    # The voters see the result once the chair publishes it.
    expect(phones[1].page.get_by_text("Resultatet vises her, når det er offentliggjort")).to_be_visible()
    chair.click(page.get_by_role("button", name="Offentliggør resultatet"))
    expect(phones[1].page.get_by_role("row", name="Nej 1 33,3 %")).to_be_visible()
    phones[0].look("resultat på telefonen")
    for phone in phones:
        phone.close()
