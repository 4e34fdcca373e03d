"""The seven jobs a cluster has, done by clicks alone at 1280 px (a mouse) and 375 px (a thumb).

Every step clicks or taps the visible control through tests/e2e/person.py (no `force`, no keyboard
detours, no values set by script); the pages on the way are checked with axe, for sideways scroll
and for controls without a size. Each test runs at both widths (the `width` fixture).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage, Role
from klynge.meetings.models import Meeting, MeetingKind
from tests.e2e.person import WIDTHS, Person
from tests.factories import PASSWORD, ClusterWorld, make_person


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Strandvejen")


def _new_meeting(me: Person, *, kind: str, title: str, start: str, end: str, venue: str) -> None:
    """Fills the form »Nyt møde« (reached by its button on the year plan) up to, not including, saving."""
    page = me.page
    me.click(page.get_by_role("link", name="Nyt møde"))
    me.select(page.get_by_label("Type"), kind)
    me.fill(page.get_by_label("Titel"), title)
    me.fill(page.get_by_label("Start"), start)
    me.fill(page.get_by_label("Slut"), end)
    me.fill(page.get_by_role("textbox", name=re.compile(r"^Sted")), venue)


# 1. Plan the year ----------------------------------------------------------------------------------


def test_plan_the_year(live_server, page, width, world):
    me = Person(page, live_server.url)
    me.login(world.chair.email, PASSWORD)
    me.click(page.get_by_role("link", name=world.cluster.name).first)
    me.nav("Møder")
    me.look("årsplanen")

    next_year = timezone.localdate().year + 1
    me.click(page.get_by_role("link", name="Næste års datoer og steder"))
    me.fill(page.get_by_label("Generalforsamling: dato"), f"{next_year}-03-12")
    me.fill(page.get_by_label("Generalforsamling: sted"), "Bernstorff Slot")
    me.fill(page.get_by_label("1. klyngemøde: dato"), f"{next_year}-05-20")
    me.fill(page.get_by_label("1. klyngemøde: sted"), "Lægehuset på Torvet")
    me.look("næste års datoer")
    me.click(page.get_by_role("button", name="Sæt i årsplanen"))
    expect(page.get_by_text("2 møder er sat i årsplanen.")).to_be_visible()
    me.look("årsplanen for næste år")

    # A retreat of two days that the public calendar shows.
    _new_meeting(
        me,
        kind="Internat",
        title="Internat om trivsel",
        start=f"{next_year}-11-04T09:00",
        end=f"{next_year}-11-05T16:00",
        venue="Kursuscenter ved Kysten",
    )
    me.check(page.get_by_label("Vis i klyngens offentlige kalender"))
    me.look("nyt møde")
    me.click(page.get_by_role("button", name="Opret mødet"))
    expect(page.get_by_role("heading", name="Internat om trivsel")).to_be_visible()
    retreat = Meeting.objects.get(title="Internat om trivsel")
    assert retreat.is_public and retreat.kind == MeetingKind.RETREAT
    meeting_url = page.url
    me.look("mødets side")

    # An agenda item: »Annullér« first leads back to the meeting, then the item is added.
    me.click(page.get_by_role("link", name="Nyt punkt"))
    me.click(page.get_by_role("link", name="Annullér"))
    expect(page).to_have_url(meeting_url)
    me.click(page.get_by_role("link", name="Nyt punkt"))
    me.fill(page.get_by_label("Punkt"), "Trivsel i praksis")
    me.fill(page.get_by_label(re.compile(r"^Varighed")), "45")
    me.select(page.get_by_label(re.compile(r"^Ansvarlig")), world.coordinator.name)
    me.look("nyt punkt")
    me.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_role("heading", name=re.compile("Trivsel i praksis"))).to_be_visible()

    # A facilitator as guest, then the invitations.
    me.click(page.get_by_role("link", name="Tilføj gæst"))
    me.click(page.get_by_role("link", name="Annullér"))
    expect(page).to_have_url(meeting_url)
    me.click(page.get_by_role("link", name="Tilføj gæst"))
    me.fill(page.get_by_label("Navn"), "Frida Facilitator")
    me.fill(page.get_by_label("E-mail"), "frida@trivsel.example")
    me.fill(page.get_by_label(re.compile(r"^Organisation")), "Trivsel i Praksis")
    me.select(page.get_by_label("Rolle"), "Facilitator")
    me.look("tilføj gæst")
    me.click(page.get_by_role("button", name="Tilføj gæsten"))
    expect(page.get_by_text("Frida Facilitator, Trivsel i Praksis (Facilitator)")).to_be_visible()
    me.click(page.get_by_role("button", name="Send invitationer"))
    expect(page.get_by_text("invitationer er sendt")).to_be_visible()
    assert OutboxMessage.objects.filter(to="frida@trivsel.example").exists()
    assert OutboxMessage.objects.filter(to=world.member.email).exists()
    me.look("mødet efter invitationerne")


# 2. The general assembly with a secret ballot ------------------------------------------------------


@pytest.fixture
def assembly(transactional_db):
    from tests.factories import make_practice

    world = ClusterWorld("Klynge Gentofte Test")
    voters = [world.member]
    for name in ("Anna Holm", "Bo Lund"):
        voters.append(make_person(world.cluster, Role.MEMBER, practice=world.practice, name=name))
    return world, voters, make_practice(world.cluster, "Strandvejens Lægehus")


def test_general_assembly_with_a_secret_ballot(live_server, page, width, assembly):
    from klynge.core.models import MembershipStatus
    from klynge.decisions.models import Ballot, BallotCount, Poll

    world, voters, strand = assembly
    base = live_server.url
    chair = Person(page, base)
    chair.login(world.chair.email, PASSWORD)
    chair.click(page.get_by_role("link", name=world.cluster.name).first)

    # The statutes give the chair the casting vote.
    chair.nav("Indstillinger")
    chair.check(page.get_by_label("Formandens stemme er afgørende ved stemmelighed"))
    chair.look("klyngens indstillinger")
    chair.click(page.get_by_role("button", name="Gem"))
    world.cluster.refresh_from_db()
    assert world.cluster.chair_has_casting_vote

    # The general assembly began half an hour ago (it was called in good time, outside this test).
    started = timezone.localtime() - dt.timedelta(minutes=30)
    chair.nav("Møder")
    _new_meeting(
        chair,
        kind="Generalforsamling",
        title="Generalforsamling",
        start=f"{started:%Y-%m-%dT%H:%M}",
        end=f"{started + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}",
        venue="Bernstorff Slot",
    )
    chair.click(page.get_by_role("button", name="Opret mødet"))
    expect(page.get_by_role("heading", name="Generalforsamling")).to_be_visible()

    # Those present are checked in on the meeting's check-in page.
    chair.click(page.get_by_role("link", name="Tjek ind"))
    for voter in voters:
        row = page.locator("li", has_text=voter.name)
        chair.click(row.get_by_role("button"))
        expect(row.get_by_text("Tjekket ind", exact=True)).to_be_visible()
    chair.look("tjek ind")

    # The poll: secret, and a yes to the motion puts a practice on hold until the next general assembly.
    chair.nav("Afstemninger")
    chair.click(page.get_by_role("link", name="Ny afstemning"))
    chair.fill(page.get_by_label("Spørgsmål"), "Skal Strandvejens Lægehus sættes på hold?")
    chair.select(page.get_by_label("Type"), "Ja / nej / undlader")
    chair.check(page.get_by_label("Hemmelig afstemning"))
    chair.select(page.get_by_label(re.compile(r"^Møde")), re.compile(r"^Generalforsamling"))
    chair.select(page.get_by_label(re.compile(r"^Virkning \(")), "Sæt en praksis' deltagelse på hold")
    chair.select(page.get_by_label(re.compile(r"^Virkningen gælder")), "Hvis forslaget vedtages")
    chair.select(page.get_by_label(re.compile(r"^Praksis der sættes på hold")), strand.name)
    chair.check(page.get_by_label("På hold til næste generalforsamling"))
    chair.fill(page.get_by_label(re.compile(r"^Begrundelse for virkningen")), "Manglende deltagelse")
    chair.look("ny afstemning")
    chair.click(page.get_by_role("button", name="Gem"))
    poll = Poll.objects.get(question__startswith="Skal Strandvejens Lægehus")
    assert poll.secret and poll.effect["until_next_general_assembly"]
    expect(page.get_by_role("heading", name=poll.question)).to_be_visible()
    poll_url = page.url
    chair.look("afstemningens side")

    # The projector: opened from the poll's page, the whole screen, no menu, large type.
    chair.click(page.get_by_role("link", name="Vis på storskærm"))
    screen = chair
    expect(page.get_by_text("Afstemningen åbner om lidt")).to_be_visible()
    expect(page.get_by_role("navigation", name="Klyngens menu")).to_have_count(0)
    title_size = page.get_by_role("heading", name=poll.question).evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert title_size >= (48 if width == "1280" else 28), title_size
    screen.look("storskærmen før åbning")

    # The chair runs the poll from a second window; the screen stays on the wall.
    control = Person(page.context.new_page(), base)
    control.goto(poll_url)
    control.click(control.page.get_by_role("button", name="Åbn afstemningen"))
    expect(control.page.get_by_text("Afstemningen er åben")).to_be_visible()
    expect(page.get_by_text("0 af 3 har stemt")).to_be_visible()

    browser = page.context.browser
    people = []
    for voter, choice in zip(voters, ["Ja", "Nej", "Ja"], strict=True):
        person = Person.in_new_window(browser, base, WIDTHS[width])
        person.login(voter.email, PASSWORD)
        person.click(person.page.get_by_role("link", name=world.cluster.name).first)
        person.nav("Afstemninger")
        person.click(person.page.get_by_role("link", name=poll.question))
        person.click(person.page.get_by_role("link", name="Gå til stemmesedlen"))
        ballot = person.page.get_by_role("group", name="Din stemme")
        person.choose(ballot.get_by_label(choice, exact=True))
        person.look("stemmesedlen")
        person.click(person.page.get_by_role("button", name="Afgiv stemme"))
        expect(person.page.get_by_text("Din stemme er modtaget og talt med")).to_be_visible()
        people.append(person)
    people[0].look("kvitteringen")
    expect(page.get_by_text("3 af 3 har stemt")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)  # never the running result
    screen.look("storskærmen under afstemningen")

    control.page.reload()
    control.select(control.page.get_by_label("Formandens afgørende stemme ved stemmelighed"), "Ingen")
    control.click(control.page.get_by_role("button", name="Luk afstemningen"))
    expect(control.page.get_by_text("Afstemningen er lukket, og beslutningen")).to_be_visible()
    expect(page.get_by_text("Vedtaget.")).to_be_visible()
    expect(page.get_by_role("row", name="Ja 2 66,7 %")).to_be_visible()
    screen.look("storskærmen med resultatet")

    expect(people[1].page.get_by_text("Resultatet vises her, når det er offentliggjort")).to_be_visible()
    control.click(control.page.get_by_role("button", name="Offentliggør resultatet"))
    expect(people[1].page.get_by_role("row", name="Nej 1 33,3 %")).to_be_visible()
    people[1].look("resultatet på stemmesedlen")
    for person in people:
        person.close()

    # Secret in the database (counts only, no ballot per vote); the practice is on hold.
    assert sum(BallotCount.objects.filter(poll=poll).values_list("votes", flat=True)) == 3
    assert not Ballot.objects.filter(poll=poll).exists()
    membership = world.cluster.memberships.get(practice=strand)
    assert membership.periods.order_by("-starts_on").first().status == MembershipStatus.SUSPENDED


# 3. The idea workshop ------------------------------------------------------------------------------

LONG_WORD = "Antibiotikaordinationsmønsterændringsundersøgelse"


def test_idea_workshop(live_server, page, width, world):
    from klynge.projects.models import IdeaRound

    base = live_server.url
    members = [world.member] + [
        make_person(world.cluster, Role.MEMBER, practice=world.practice, name=name)
        for name in ("Anna Holm", "Bo Lund")
    ]
    chair = Person(page, base)
    chair.login(world.chair.email, PASSWORD)
    chair.click(page.get_by_role("link", name=world.cluster.name).first)
    chair.nav("Projekter")
    chair.click(page.get_by_role("link", name="Ny idérunde"))
    chair.click(page.get_by_role("link", name="Annullér"))
    expect(page.get_by_role("link", name="Ny idérunde")).to_be_visible()
    chair.click(page.get_by_role("link", name="Ny idérunde"))
    chair.fill(page.get_by_label("Titel"), "Projektgenerering")
    chair.fill(page.get_by_label("Prikker pr. medlem"), "3")
    chair.uncheck(page.get_by_label("Flere prikker på samme idé"))
    chair.check(page.get_by_label("Flere prikker på samme idé"))
    chair.look("ny idérunde")
    chair.click(page.get_by_role("button", name="Åbn idérunden"))
    round = IdeaRound.objects.get(title="Projektgenerering")
    assert round.allow_stacking and round.dots_per_member == 3
    round_url = page.url

    # The wall on the projector, opened from the round's page.
    chair.click(page.get_by_role("link", name="Vis på storskærm"))
    expect(page.get_by_text(round.code)).to_be_visible()
    expect(page.locator("svg.projects-qr")).to_be_visible()
    expect(page.get_by_role("navigation", name="Klyngens menu")).to_have_count(0)
    chair.look("væggen")
    page.evaluate("window.notReloaded = true")

    browser = page.context.browser
    phones = []
    for member, idea in zip(members, ["Fluconazol", LONG_WORD, "Osteoporose"], strict=True):
        phone = Person.in_new_window(browser, base, WIDTHS[width])
        phone.login(member.email, PASSWORD)
        phone.goto("/workshop/")  # the address on the wall
        phone.fill(phone.page.get_by_label("Kode fra skærmen"), round.code.lower())
        phone.click(phone.page.get_by_role("button", name="Deltag"))
        expect(phone.page.get_by_role("heading", name="Projektgenerering")).to_be_visible()
        phone.fill(phone.page.get_by_label("Overskrift"), idea)
        phone.fill(
            phone.page.get_by_label("Hvorfor betyder det noget i hverdagen?"), "Det fylder i hverdagen"
        )
        phone.look("deltagersiden")
        phone.click(phone.page.get_by_role("button", name="Send idé"))
        expect(phone.page.get_by_text("Din idé er på væggen")).to_be_visible()
        expect(page.locator("#wall")).to_contain_text(idea)
        phones.append(phone)

    def dot(phone, title, times=1):
        for _ in range(times):
            left = phone.page.locator("#dots-left strong")
            before = int(left.inner_text())
            phone.click(phone.page.get_by_role("button", name=f"Giv prik til {title}"))
            expect(left).to_have_text(str(before - 1))

    anna, bo, cecilie = phones
    dot(anna, "Fluconazol")
    dot(anna, LONG_WORD)
    dot(bo, "Fluconazol")
    dot(bo, LONG_WORD, times=2)
    dot(cecilie, "Fluconazol")
    dot(cecilie, "Osteoporose", times=2)
    expect(bo.page.get_by_role("button", name="Giv prik til Osteoporose")).to_be_disabled()  # no dots left
    cecilie.click(cecilie.page.get_by_role("button", name="Meld dig til gruppen Osteoporose"))
    expect(cecilie.page.get_by_role("button", name="Meld fra gruppen Osteoporose")).to_be_visible()
    cecilie.look("deltagersiden efter prikker")

    card = page.locator("[data-idea]", has_text="Fluconazol")
    expect(card.locator(".projects-dot-count")).to_have_text("3")
    assert page.evaluate("window.notReloaded") is True
    # The long word wraps inside its card on the wall.
    long_card = page.locator("[data-idea]", has_text=LONG_WORD)
    overflow = long_card.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert overflow[0] <= overflow[1], overflow
    chair.look("væggen med ideer")

    # The board closes the round; the ranking explains the tie; a project is made of the first idea.
    chair.goto(round_url)
    page.once("dialog", lambda dialog: dialog.accept())
    chair.click(page.get_by_role("button", name="Luk idérunden"))
    expect(page.get_by_text("ideerne er rangeret")).to_be_visible()
    rows = page.locator("#ranking tbody tr")
    expect(rows.nth(0)).to_contain_text("Fluconazol")
    expect(rows.nth(1)).to_contain_text("færre personer gav prikker (2 mod 3)")
    chair.look("den rangerede liste")
    chair.click(page.get_by_role("link", name="Lav projekt af Fluconazol"))
    chair.click(page.get_by_role("link", name="Annullér"))
    expect(page).to_have_url(round_url)
    chair.click(page.get_by_role("link", name="Lav projekt af Fluconazol"))
    chair.select(page.get_by_label("Tovholder"), world.member.name)
    chair.look("nyt projekt")
    chair.click(page.get_by_role("button", name="Opret projekt"))
    expect(page.get_by_text("Projektet er oprettet")).to_be_visible()
    for phone in phones:
        phone.close()


# 4. Send a questionnaire ---------------------------------------------------------------------------


def test_send_a_questionnaire(live_server, page, width, world):
    from klynge.surveys.models import Survey

    base = live_server.url
    today = timezone.localdate()
    chair = Person(page, base)
    chair.login(world.chair.email, PASSWORD)
    chair.click(page.get_by_role("link", name=world.cluster.name).first)
    chair.nav("Spørgeskemaer")
    chair.click(page.get_by_role("link", name="Nyt spørgeskema"))
    chair.fill(page.get_by_label("Titel"), "Samarbejdet med kommunen")
    chair.check(page.get_by_label("Anonyme svar"))
    chair.fill(page.get_by_label(re.compile(r"^Mindste antal svar")), "2")
    chair.select(page.get_by_label("Modtagere"), "Udvalgte roller")
    roles = page.get_by_role("group", name=re.compile(r"^Roller"))
    chair.check(roles.get_by_label("Medlem", exact=True))
    chair.check(roles.get_by_label("Klyngekoordinator", exact=True))
    chair.uncheck(roles.get_by_label("Klyngekoordinator", exact=True))
    chair.fill(page.get_by_label(re.compile(r"^Åbner")), today.isoformat())
    chair.fill(page.get_by_label(re.compile(r"^Lukker")), (today + dt.timedelta(days=14)).isoformat())
    chair.look("nyt spørgeskema")
    chair.click(page.get_by_role("button", name="Gem"))
    survey = Survey.objects.get(title="Samarbejdet med kommunen")
    assert survey.anonymous and survey.roles == [Role.MEMBER], survey.roles

    questions = [
        ("Ét valg", "Hvor ofte henviser du til kommunen?", "Ugentligt\nMånedligt\nSjældnere"),
        ("Flere valg", "Hvilke tilbud bruger du?", "Genoptræning\nRygestop\nDiætist"),
        ("Skala 1-5", "Hvor godt fungerer samarbejdet?", None),
    ]
    for kind, text, options in questions:
        chair.click(page.get_by_role("link", name="Tilføj spørgsmål eller afsnit"))
        chair.select(page.get_by_label("Type"), kind)
        chair.fill(page.get_by_label("Spørgsmål eller overskrift"), text)
        if options:
            chair.fill(page.get_by_label(re.compile(r"^Svarmuligheder")), options)
        chair.check(page.get_by_label("Skal besvares"))
        chair.look(f"nyt spørgsmål ({kind})")
        chair.click(page.get_by_role("button", name="Gem"))
        expect(page.get_by_role("link", name=f"Ret : {text}")).to_be_visible()
    chair.click(page.get_by_role("link", name="Forhåndsvisning på mobil"))
    chair.look("forhåndsvisning")
    chair.click(page.get_by_role("link", name="Tilbage til spørgeskemaet"))
    page.once("dialog", lambda dialog: dialog.accept())
    chair.click(page.get_by_role("button", name="Send spørgeskemaet ud"))
    expect(page.get_by_text("0 af 2")).to_be_visible()

    # The member answers from the personal link in the mail; the chair (also a member) from the list.
    message = OutboxMessage.objects.get(to=world.member.email, subject__contains="Samarbejdet med kommunen")
    link = re.search(r"https?://\S+/spoergeskema/\S+", message.body).group(0)
    member = Person.in_new_window(page.context.browser, base, WIDTHS[width])
    member.open_mail_link(link)
    member.click(member.page.get_by_role("button", name="Send svar"))
    expect(member.page.get_by_text("Spørgsmålet skal besvares").first).to_be_visible()
    member.look("spørgeskemaet med fejl")
    member.choose(member.page.get_by_label("Månedligt"))
    member.check(member.page.get_by_label("Genoptræning"))
    member.check(member.page.get_by_label("Rygestop"))
    member.choose(member.page.get_by_label("4", exact=True))
    member.look("spørgeskemaet udfyldt")
    member.click(member.page.get_by_role("button", name="Send svar"))
    expect(member.page.get_by_text("Tak for dit svar")).to_be_visible()
    member.close()

    chair.nav("Spørgeskemaer")
    chair.click(page.get_by_role("link", name="Svar nu på Samarbejdet med kommunen"))
    chair.choose(page.get_by_label("Ugentligt"))
    chair.check(page.get_by_label("Genoptræning"))
    chair.choose(page.get_by_label("5", exact=True))
    chair.click(page.get_by_role("button", name="Send svar"))
    expect(page.get_by_text("Tak for dit svar")).to_be_visible()

    chair.nav("Spørgeskemaer")
    chair.click(page.get_by_role("link", name="Samarbejdet med kommunen"))
    expect(page.get_by_text("2 af 2")).to_be_visible()
    chair.click(page.get_by_role("link", name="Se resultater"))
    for chart in page.locator(".klynge-chart").all():
        expect(chart).to_have_attribute("data-drawn", "true")
    expect(page.get_by_role("row", name=re.compile(r"^Genoptræning 2"))).to_be_visible()
    chair.look("resultaterne")


# 5. Read own data ----------------------------------------------------------------------------------

ENGLISH_MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August"}
ENGLISH_MONTHS |= {"September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun"}
ENGLISH_MONTHS |= {"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


@pytest.fixture
def data_world(transactional_db, tmp_path):
    from tests.quality.data import world_with_prescription_files

    return world_with_prescription_files(tmp_path)


def test_read_own_data(live_server, page, width, data_world):
    world, files = data_world
    base = live_server.url

    # The coordinator imports the prescription data: the kind of file is a radio button.
    coordinator = Person(page, base)
    coordinator.login(world.coordinator.email, PASSWORD)
    coordinator.click(page.get_by_role("link", name=world.cluster.name).first)
    coordinator.nav("Egne data")
    coordinator.click(page.get_by_role("link", name="Importér data"))
    coordinator.choose(page.get_by_label(re.compile(r"^Receptdata")))
    coordinator.upload(page.get_by_label("Fil (CSV eller XLSX)"), files.prescriptions)
    coordinator.upload(page.get_by_label(re.compile(r"^Tilmeldte patienter")), files.patients)
    coordinator.look("import")
    coordinator.click(page.get_by_role("button", name="Importér"))
    expect(page.get_by_text(re.compile(r"^Importeret: "))).to_be_visible(timeout=30_000)
    coordinator.look("import gennemført")
    coordinator.click(page.get_by_role("button", name="Log ud"))

    member = Person(page, base)
    member.login(world.member.email, PASSWORD)
    member.click(page.get_by_role("link", name=world.cluster.name).first)
    member.nav("Egne data")
    expect(page.get_by_role("heading", name="Egne data", level=1)).to_be_visible()
    member.look("egne data")
    member.click(page.get_by_role("link", name="Andel penicillin V af alle antibiotikarecepter"))
    expect(page.get_by_role("heading", name="Din praksis over tid")).to_be_visible()
    expect(page.get_by_text("tegn på en reel ændring").first).to_be_visible()
    charts = page.locator(".klynge-chart")
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        expect(chart).to_have_attribute("data-drawn", "true")
    member.look("indikatoren")

    # Danish numbers and months, labels that can be read, titles inside the chart on a phone too.
    labels = page.locator(".klynge-chart .role-axis-label text").evaluate_all(
        "els => els.map(el => el.textContent)"
    )
    assert labels
    assert not ENGLISH_MONTHS & set(labels), labels
    assert not [label for label in labels if re.fullmatch(r"\d{1,3}(,\d{3})+", label)], labels
    assert [label for label in labels if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+,\d+|[a-zæøå]+", label)], labels
    sizes = page.locator(".klynge-chart .role-axis-label text").evaluate_all(
        "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert min(sizes) >= 12, sizes
    overflow = page.locator(".klynge-chart").evaluate_all(
        """charts => charts.flatMap(chart => {
             const box = chart.querySelector('svg').getBoundingClientRect();
             return [...chart.querySelectorAll('.role-title text')]
               .filter(t => t.getBoundingClientRect().right > box.right + 1)
               .map(t => t.textContent);
           })"""
    )
    assert not overflow, overflow
    # Other practices under pseudonyms; the own practice named.
    expect(page.get_by_role("rowheader", name=re.compile(r"^Praksis [A-ZÆØÅ]+$")).first).to_be_visible()
    assert world.practice.name not in page.content()


# 6. Draft the annual report ------------------------------------------------------------------------


@pytest.fixture
def year(transactional_db):
    from tests.reports.year import build_year

    return build_year("Klynge Ørholm")


def test_draft_the_annual_report(live_server, page, width, year):
    base = live_server.url
    chair = Person(page, base)
    chair.login(year.world.chair.email, PASSWORD)
    chair.click(page.get_by_role("link", name=year.world.cluster.name).first)
    chair.nav("Beretning")
    chair.click(page.get_by_role("navigation", name="År").get_by_role("link", name="2024"))
    expect(page.get_by_role("heading", name="Formandsberetning 2024", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Klynge Ørholm har i 2024 afholdt tre klyngemøder og et internat.")
    ).to_be_visible()
    for chart in page.locator(".klynge-chart").all():
        expect(chart).to_have_attribute("data-drawn", "true")
    chair.look("udkastet")

    chair.click(page.get_by_role("button", name="Gem udkastet og begynd at redigere"))
    expect(page.get_by_text("Udkastet er gemt")).to_be_visible()
    text = page.get_by_role("textbox", name="Beretningen")
    chair.append(text, "\nTak til alle for et godt år i Ørholm.\n")
    expect(text).to_have_value(re.compile(r"\S\n+Tak til alle for et godt år i Ørholm\.\n$"))
    expect(
        page.locator("#forhaandsvisning").get_by_text("Tak til alle for et godt år i Ørholm.")
    ).to_be_visible()
    chair.look("redigering")
    chair.click(page.get_by_role("button", name="Gem beretningen"))
    expect(page.get_by_text("Beretningen er gemt.")).to_be_visible()

    with page.expect_download() as download:
        chair.click(page.get_by_role("link", name="Hent som Word"))
    assert download.value.suggested_filename.endswith("-2024.docx")

    chair.click(page.get_by_role("link", name="Aktivitetsopgørelse for 2024 til KIAP og PLO"))
    expect(page.get_by_role("heading", name="Aktivitetsopgørelse 2024")).to_be_visible()
    chair.look("aktivitetsopgørelsen")


# 7. Take part as a guest ---------------------------------------------------------------------------


@pytest.fixture
def guest_meeting(transactional_db):
    from klynge.meetings import services
    from tests.meetings.conftest import make_meeting

    world = ClusterWorld("Klynge Lyngby")
    start = timezone.now() + dt.timedelta(days=20)
    meeting = make_meeting(
        world.cluster, title="Klyngemøde om sårbare ældre", start=start, venue_name="Lyngby Rådhus"
    )
    services.agenda_item_create(
        meeting=meeting,
        title="Kommunens tilbud til sårbare ældre",
        duration_minutes=30,
        responsible=world.chair,
    )
    services.guest_add(
        meeting=meeting,
        name="Karen Kommune",
        email="karen@lyngby.example",
        organisation="Lyngby-Taarbæk Kommune",
        role="kommune",
    )
    services.meeting_invite_all(meeting=meeting, by=world.chair)
    return world, meeting


def test_take_part_as_a_guest(live_server, page, width, guest_meeting):
    world, meeting = guest_meeting
    base = live_server.url
    body = OutboxMessage.objects.get(to="karen@lyngby.example").body
    guest = Person(page, base)

    # One click in the mail answers; the answer page shows it and can save it.
    guest.open_mail_link(re.search(r"Kommer: (\S+)", body).group(1))
    expect(page.get_by_role("heading", name="Klyngemøde om sårbare ældre")).to_be_visible()
    expect(page.get_by_label("Kommer", exact=True)).to_be_checked()
    guest.look("svaret fra mailen")
    guest.click(page.get_by_role("button", name="Gem svar"))
    expect(page.get_by_text(re.compile(r"Dit svar (til .+ )?er gemt: Kommer"))).to_be_visible()

    # A password from the link in the mail, then the meeting's page and nothing else of the cluster.
    guest.open_mail_link(re.search(r"https?://\S+/invitation/\S+", body).group(0))
    guest.fill(page.get_by_label("Ny adgangskode", exact=True), "Sårbare-ældre-2026")
    guest.fill(page.get_by_label("Bekræftelse af ny adgangskode"), "Sårbare-ældre-2026")
    guest.look("vælg adgangskode")
    guest.click(page.get_by_role("button", name="Gem adgangskode"))
    expect(page.get_by_text("Din adgangskode er gemt")).to_be_visible()
    guest.login("karen@lyngby.example", "Sårbare-ældre-2026")
    guest.look("gæstens forside")
    guest.click(page.get_by_role("link", name="Klyngemøde om sårbare ældre").first)
    expect(page.get_by_text("Kommunens tilbud til sårbare ældre")).to_be_visible()
    expect(page.get_by_role("navigation", name="Klyngens menu")).to_have_count(0)
    guest.choose(page.get_by_label("Måske", exact=True))
    guest.look("mødets side for gæsten")
    guest.click(page.get_by_role("button", name="Gem svar"))
    expect(page.get_by_text(re.compile(r"Dit svar (til .+ )?er gemt: Måske"))).to_be_visible()
    assert page.request.get(f"{base}/k/{world.cluster.slug}/moeder/").status == 404
