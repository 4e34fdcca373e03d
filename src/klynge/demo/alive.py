"""The demo alive on the day it is built: Klynge Gentofte in the middle of its year.

The seeds' stories keep their dates (Gentofte 2022 and the dates decided for 2023; Østerbro's
project round, which the projects step already dates from `today`). Around the day the demo is built
this step adds what a cluster has on any day of its year: last year's, this year's and next year's
meetings with agendas (general assembly in March, cluster meetings in May and August, a retreat in
November), the ones already held with attendance, minutes and the general assembly's decision, the
coming ones with invitations and answers; a questionnaire open for answers before the next cluster
meeting; and a poll ready to be opened at the coming general assembly. Past meetings of 2023 that
were only planned are held too. Everything goes through the services, like the other steps.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from klynge.core import selectors as core_selectors
from klynge.core.models import Cluster, Person
from klynge.decisions import services as decisions
from klynge.meetings import services as meetings
from klynge.meetings.models import Answer, ClusterPackage, Meeting, MeetingKind, MeetingStatus, PackageSource
from klynge.quality.models import Indicator
from klynge.surveys import services as surveys
from klynge.surveys.models import QuestionKind

from .decisions import _vote
from .meetings import _hold
from .register import DEMO_LOGINS

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
# The seeds' own years; the living years start after them.
FIRST_ALIVE_YEAR = 2024
VENUE = ("Bernstorff Slot", "Jægersborg Allé 93, 2820 Gentofte")
# A coming meeting gets its invitations this many days ahead (the next one always has them).
INVITE_DAYS = 60


@dataclass(frozen=True)
class Topic:
    package: str
    focus: str
    data_basis: str
    indicator: str = ""  # catalogue code of the data view linked from the agenda
    follow_up_of: str = ""


TOPICS = [
    Topic(
        "Antibiotika ved luftvejsinfektioner",
        "Valg af antibiotika ved luftvejsinfektioner og andelen af penicillin V.",
        "Praksisdata fra ordiprax+: antibiotikarecepter pr. 1.000 tilmeldte patienter og andel penicillin V "
        "(J01CE02), egen praksis mod klyngen og landet.",
        indicator="penicillin-v-andel",
    ),
    Topic(
        "Opfølgning: Smertestillende medicin",
        "Hvordan gik det med nedtrapningen af opioider og gabapentinoider siden 2022?",
        "Praksisdata fra ordiprax+: opioider (N02A) og tramadol (N02AX02) før og efter klyngemødet i 2022.",
        follow_up_of="Smertestillende medicin",
    ),
    Topic(
        "KOL i almen praksis",
        "Opsporing, spirometri og årskontrol af patienter med KOL.",
        "Egne data hentet via KIAP: andel med årskontrol og spirometri inden for to år.",
    ),
    Topic(
        "Demens: opsporing og opfølgning",
        "Tidlig opsporing af demens og samarbejdet med kommunens demenskoordinatorer.",
        "Spørgeskema fra KIAP til klyngens medlemmer før mødet.",
    ),
]
RETREAT_THEMES = [
    "Klagesager og kritik",
    "Det gode lægeliv og trivsel",
    "Uddelegering og opgaveglidning i klinikken",
]


def _at(day: dt.date, hour: int = 16, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CPH)


def _weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th weekday (0 is Monday) of the month; n=-1 is the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _package(topic: Topic) -> ClusterPackage:
    found = ClusterPackage.objects.filter(cluster__isnull=True, title=topic.package).first()
    if found is not None:
        return found
    original = ClusterPackage.objects.filter(cluster__isnull=True, title=topic.follow_up_of).first()
    return meetings.package_create(
        cluster=None,
        title=topic.package,
        source=PackageSource.KIAP,
        focus=topic.focus,
        data_basis=topic.data_basis,
        follow_up_of=original if topic.follow_up_of else None,
        discussion_questions="1. Hvad viser vores egne data?\n2. Hvad vil hver praksis afprøve inden næste møde?",
    )


def _data_link(cluster: Cluster, topic: Topic) -> tuple[str, str]:
    indicator = (
        Indicator.objects.filter(cluster__isnull=True, code=topic.indicator).first()
        if topic.indicator
        else None
    )
    if indicator is None:
        return "", ""
    return reverse(
        "quality:indicator_detail", args=[cluster.slug, indicator.pk]
    ), f"Egne data: {indicator.name_da}"


def _cluster_meeting(
    cluster: Cluster, day: dt.date, topic: Topic, chair: Person, coordinator: Person
) -> Meeting:
    meeting = meetings.meeting_create(
        cluster=cluster,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde",
        starts_at=_at(day),
        ends_at=_at(day, 19),
        venue_name=VENUE[0],
        venue_address=VENUE[1],
        package=_package(topic),
        is_public=True,
        by=chair,
    )
    link_url, link_label = _data_link(cluster, topic)
    for title, minutes, who, url, label in [
        ("Velkomst og nyt fra bestyrelsen", 10, chair, "", ""),
        (f"Klyngepakken: {topic.package}", 45, coordinator, "", ""),
        ("Egne data: hvor står vi i klyngen?", 45, coordinator, link_url, link_label),
        ("Hvad tager vi med hjem til klinikken?", 20, chair, "", ""),
        ("Eventuelt", 10, None, "", ""),
    ]:
        meetings.agenda_item_create(
            meeting=meeting,
            title=title,
            duration_minutes=minutes,
            responsible=who,
            link_url=url,
            link_label=label,
        )
    return meeting


def _year(cluster: Cluster, year: int, chair: Person, coordinator: Person) -> list[Meeting]:
    """The year's four meetings, unless the cluster already has meetings that year."""
    if cluster.meetings.filter(starts_at__year=year).exists():
        return []
    n = year - FIRST_ALIVE_YEAR
    ga_day = _weekday(year, 3, 0, 2)
    ga = meetings.meeting_create(
        cluster=cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title=f"Generalforsamling {year}",
        starts_at=_at(ga_day),
        ends_at=_at(ga_day, 19),
        venue_name=VENUE[0],
        venue_address=VENUE[1],
        is_public=True,
        with_template=True,
        by=chair,
    )
    spring = _cluster_meeting(
        cluster, _weekday(year, 5, 0, 4), TOPICS[(2 * n) % len(TOPICS)], chair, coordinator
    )
    autumn = _cluster_meeting(
        cluster, _weekday(year, 8, 0, -1), TOPICS[(2 * n + 1) % len(TOPICS)], chair, coordinator
    )
    first_day = _weekday(year, 11, 5, 1)
    theme = RETREAT_THEMES[n % len(RETREAT_THEMES)]
    retreat = meetings.meeting_create(
        cluster=cluster,
        kind=MeetingKind.RETREAT,
        title=f"Internat {year}",
        theme=theme,
        starts_at=_at(first_day, 9),
        ends_at=_at(first_day + dt.timedelta(days=1), 15),
        venue_name="Marienlyst",
        venue_address="Ndr. Strandvej 2, 3000 Helsingør",
        is_public=True,
        by=chair,
    )
    for title, minutes in [
        (f"Oplæg og drøftelse: {theme}", 120),
        ("Gruppearbejde i klinikkernes teams", 90),
        ("Ønsker til næste internat", 30),
        ("Eventuelt", 15),
    ]:
        meetings.agenda_item_create(meeting=retreat, title=title, duration_minutes=minutes, responsible=chair)
    return [ga, spring, autumn, retreat]


def _give_agenda(meeting: Meeting, chair: Person) -> None:
    """A 2023 meeting that was only dated gets the agenda it had."""
    if meeting.agenda_items.exists():
        return
    titles = {
        MeetingKind.CLUSTER_MEETING: ["Velkomst", "Klyngemødets tema med egne data", "Eventuelt"],
        MeetingKind.RETREAT: ["Oplæg og drøftelse", "Ønsker til næste internat", "Eventuelt"],
    }.get(meeting.kind, ["Velkomst", "Eventuelt"])
    for title in titles:
        meetings.agenda_item_create(meeting=meeting, title=title, responsible=chair)


def _hold_past(meeting: Meeting, now: dt.datetime, chair: Person, rng: random.Random) -> None:
    members, _ = core_selectors.active_members(
        cluster=meeting.cluster, day=timezone.localtime(meeting.starts_at).date()
    )
    _hold(
        meeting,
        members,
        [],
        rng,
        share=0.78,
        skip_practice=False,
        chair=chair,
        minutes={
            f"Klyngepakken: {meeting.theme}": (
                f"Vi gennemgik klyngepakken »{meeting.theme}« og drøftede anbefalingerne.",
                "Hver praksis afprøver én konkret ændring inden næste klyngemøde.",
            ),
            "Egne data: hvor står vi i klyngen?": (
                "Hver praksis så sine egne tal mod klyngen og landet; spredningen blev drøftet.",
                "",
            ),
        },
        # Minutes are approved a week after the meeting: not yet for one held days ago.
        approve=meeting.ends_at + dt.timedelta(days=7) <= now,
    )


def _accounts_decision(ga: Meeting, chair: Person, rng: random.Random) -> None:
    """The general assembly approves last year's accounts: a published decision of the year."""
    item = ga.agenda_items.filter(title="Fremlæggelse af regnskab").first()
    local = timezone.localtime(ga.starts_at)
    poll = decisions.poll_create(
        cluster=ga.cluster,
        meeting=ga,
        agenda_item=item,
        question=f"Godkender generalforsamlingen regnskabet for {local.year - 1}?",
        by=chair,
    )
    decisions.poll_open(poll=poll, by=chair, now=ga.starts_at + dt.timedelta(minutes=35))
    _vote(poll, rng, yes=0.92, no=0.02, when=ga.starts_at + dt.timedelta(minutes=37))
    decisions.poll_close(poll=poll, by=chair, now=ga.starts_at + dt.timedelta(minutes=40))
    decisions.poll_publish(poll=poll)


def _invite(
    meeting: Meeting, now: dt.datetime, chair: Person, member: Person | None, rng: random.Random
) -> None:
    """Invitations sent four weeks ahead (or today, if that is later); about half have answered. The
    chair comes; the demo member has not answered yet, so the front page asks them."""
    sent = min(now, meeting.starts_at - dt.timedelta(days=28))
    meetings.meeting_invite_all(meeting=meeting, send_mail=False, now=sent)
    for invitation in meeting.invitations.select_related("person").order_by("person__name"):
        if member is not None and invitation.person_id == member.pk:
            continue
        if invitation.person_id == chair.pk:
            answer = Answer.YES
        elif rng.random() < 0.55:
            answer = Answer.YES if rng.random() < 0.8 else rng.choice([Answer.NO, Answer.MAYBE])
        else:
            continue
        meetings.invitation_answer(
            invitation=invitation, answer=answer, now=max(sent, now - dt.timedelta(days=2))
        )


def _ga_poll(ga: Meeting, now: dt.datetime, chair: Person) -> None:
    """The board's proposal for the coming general assembly, on its agenda, with its poll ready to open."""
    motion = decisions.motion_create(
        cluster=ga.cluster,
        meeting=ga,
        title="Fire klyngemøder om året",
        text="Bestyrelsen foreslår, at klyngen fremover holder fire klyngemøder om året i stedet for tre, "
        "så hvert klyngeprojekt kan få sit eget møde.",
        submitter=chair,
        by_board=True,
        now=min(now, ga.starts_at - dt.timedelta(days=10)),
    )
    motion = decisions.motion_place_on_agenda(motion=motion, by=chair)
    decisions.poll_create(
        cluster=ga.cluster,
        meeting=ga,
        motion=motion,
        agenda_item=ga.agenda_items.filter(title="Forslag: Fire klyngemøder om året").first(),
        question="Vedtager generalforsamlingen bestyrelsens forslag om fire klyngemøder om året?",
        description="Simpelt flertal af de afgivne stemmer; blanke stemmer tælles ikke med.",
        by=chair,
    )


def _questionnaire(meeting: Meeting, today: dt.date, logins: set[int], rng: random.Random) -> None:
    """Sent a few days ago before the coming cluster meeting; some have answered, the demo logins not."""
    meeting_day = timezone.localtime(meeting.starts_at).date()
    opens = today - dt.timedelta(days=5)
    closes = max(
        today + dt.timedelta(days=3), min(meeting_day - dt.timedelta(days=2), today + dt.timedelta(days=21))
    )
    survey = surveys.survey_create(
        cluster=meeting.cluster,
        title=f"Før klyngemødet: {meeting.topic}",
        intro="Svar gerne før mødet, så vi kan tage udgangspunkt i jeres erfaringer. Det tager 3 minutter.",
        meeting=meeting,
        anonymous=True,
        min_responses=3,
        opens_on=opens,
        closes_on=closes,
    )
    add = surveys.question_add
    ids = {
        "confident": add(
            survey=survey,
            kind=QuestionKind.SCALE,
            text="Hvor sikker er du på anbefalingerne på området i dag?",
            scale_min_label="Meget usikker",
            scale_max_label="Meget sikker",
            required=True,
        ).pk,
        "often": add(
            survey=survey,
            kind=QuestionKind.SINGLE,
            text="Hvor ofte møder du problemstillingen i konsultationen?",
            options=["Dagligt", "Ugentligt", "Månedligt", "Sjældnere"],
            required=True,
        ).pk,
        "wish": add(survey=survey, kind=QuestionKind.TEXT, text="Hvad vil du gerne have ud af mødet?").pk,
    }
    surveys.survey_send(survey=survey, send_mail=False, now=_at(opens, 9))
    wishes = ["Konkrete råd til hverdagen.", "At se vores egne tal.", "Erfaringer fra de andre praksis."]
    for invitation in survey.invitations.select_related("person").order_by("person__name"):
        if invitation.person_id in logins or rng.random() > 0.4:
            continue
        answers = {ids["confident"]: rng.randint(2, 5), ids["often"]: rng.randrange(4)}
        if rng.random() < 0.5:
            answers[ids["wish"]] = rng.choice(wishes)
        day = opens + dt.timedelta(days=rng.randint(0, (today - opens).days))
        surveys.survey_answer(survey=survey, person=invitation.person, answers=answers, today=day)
    surveys.survey_put_on_agenda(
        survey=survey, results_url=reverse("surveys:results", args=[meeting.cluster.slug, survey.pk])
    )


def _osterbro(now: dt.datetime, rng: random.Random) -> None:
    """Østerbro's coming cluster meetings (the projects step dated them) get a whole agenda around
    their project, and the next one its invitations."""
    osterbro = Cluster.objects.filter(slug="osterbro").first()
    chair = Person.objects.filter(email="formand@osterbro.demo").first()
    if osterbro is None or chair is None:
        return
    coming = list(
        osterbro.meetings.filter(kind=MeetingKind.CLUSTER_MEETING, starts_at__gte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )
    for meeting in coming[:4]:
        meetings.agenda_item_create(
            meeting=meeting,
            title="Velkomst og nyt fra bestyrelsen",
            duration_minutes=10,
            responsible=chair,
            position=1,
        )
        meetings.agenda_item_create(meeting=meeting, title="Eventuelt", duration_minutes=10)
    if coming:
        _invite(coming[0], now, chair, Person.objects.filter(email="medlem@osterbro.demo").first(), rng)


def build_alive(today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    now = _at(today, 12)
    rng = random.Random(2024)
    _osterbro(now, rng)
    gentofte = Cluster.objects.filter(slug="gentofte").first()
    if gentofte is None:
        return
    chair = Person.objects.get(email="formand@gentofte.demo")
    coordinator = Person.objects.get(email="koordinator@gentofte.demo")
    member = Person.objects.filter(email="medlem@gentofte.demo").first()

    for year in range(max(FIRST_ALIVE_YEAR, today.year - 1), today.year + 2):
        _year(gentofte, year, chair, coordinator)

    # Everything begun before today is held: the 2023 dates of the seed too.
    past = gentofte.meetings.filter(status=MeetingStatus.PLANNED, starts_at__lt=now).order_by("starts_at")
    for meeting in past:
        _give_agenda(meeting, chair)
        _hold_past(meeting, now, chair, rng)
        if meeting.kind == MeetingKind.GENERAL_ASSEMBLY and meeting.starts_at.year >= FIRST_ALIVE_YEAR:
            _accounts_decision(meeting, chair, rng)

    coming = list(
        gentofte.meetings.filter(starts_at__gte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )
    for index, meeting in enumerate(coming):
        if index == 0 or meeting.starts_at - now <= dt.timedelta(days=INVITE_DAYS):
            _invite(meeting, now, chair, member, rng)
    ga = next((m for m in coming if m.kind == MeetingKind.GENERAL_ASSEMBLY), None)
    if ga is not None:
        _ga_poll(ga, now, chair)
    cluster_meeting = next((m for m in coming if m.kind == MeetingKind.CLUSTER_MEETING), None)
    if cluster_meeting is not None:
        emails = [email for email, _, _ in DEMO_LOGINS["gentofte"]]
        logins = set(Person.objects.filter(email__in=emails).values_list("pk", flat=True))
        _questionnaire(cluster_meeting, today, logins, rng)
