"""Demo records of the decisions capability: Gentofte's 2022 general assembly (seed 000).

The general assembly 14/3 2022 adopted the cluster's values, rules and goals and voted, by a simple
majority in a secret ballot, that it had no confidence in the (invented) practice Strandvejens Lægehus:
its participation was put on hold until a new vote on 29/8. On 29/8 a majority extended the hold to the
next general assembly (27/2 2023), where it ended. Everything is built through the services.
"""

import datetime as dt
import random
import zoneinfo

from django.utils import timezone

from klynge.core.models import Cluster, Person, Practice
from klynge.decisions import services
from klynge.decisions.models import Entitlement
from klynge.decisions.rules import voters_of
from klynge.meetings import services as meeting_services
from klynge.meetings.models import Meeting, MeetingKind, MeetingStatus

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
SUSPENDED_PRACTICE = "Strandvejens Lægehus"

STATUTES = """# Vedtægter for Klynge Gentofte

## § 1 Navn og formål
Klyngens navn er Klynge Gentofte. Klyngen er en kvalitetsklynge for almen praksis i Gentofte Kommune
efter overenskomstens § 93. Formålet er at udvikle kvaliteten i medlemmernes praksis.

## § 2 Medlemmer
Alle praktiserende læger med ydernummer i Gentofte Kommune kan være medlemmer.

## § 3 Generalforsamling
Generalforsamlingen er klyngens højeste myndighed og holdes hvert år inden udgangen af marts.
Der indkaldes med mindst 21 dages varsel. Forslag skal være bestyrelsen i hænde senest 7 dage før.
Beslutninger træffes ved simpelt flertal af de afgivne stemmer; blanke stemmer tælles ikke med.
Hvert medlem kan give fuldmagt til ét andet medlem.

## § 4 Bestyrelse
Bestyrelsen består af formand, klyngekoordinator, kasserer og et bestyrelsesmedlem samt en suppleant.
"""

VALUES_2022 = """# Værdier, regler og mål for Klynge Gentofte

## Værdier
- **Tillid og åbenhed.** Vi deler vores egne data og erfaringer med hinanden og taler åbent om det,
  der ikke lykkes.
- **Kollegialitet.** Vi lytter, spørger nysgerrigt og hjælper hinanden; ingen bliver hængt ud.
- **Patienten i centrum.** Kvalitetsarbejdet skal kunne mærkes af vores patienter.

## Regler
1. Hver praksis er repræsenteret ved mindst én læge ved hvert klyngemøde.
2. Vi forbereder os: data og materiale læses før mødet, og spørgeskemaer besvares inden fristen.
3. Det, der bliver sagt om den enkelte praksis på møderne, bliver i klyngen.
4. En praksis, der gentagne gange ikke lever op til reglerne, kan få sin deltagelse sat på hold ved en
   afstemning på generalforsamlingen.

## Mål for 2022-2023
- Alle praksis kender deres egne ordinationstal for afhængighedsskabende medicin og antibiotika.
- Vi gennemfører tre klyngemøder og et internat om året.
- Hver praksis afprøver mindst én konkret forbedring efter hvert klyngemøde.
"""

VALUES_2023 = VALUES_2022.replace("## Mål for 2022-2023", "## Mål for 2023-2024").replace(
    "- Vi gennemfører tre klyngemøder og et internat om året.",
    "- Vi gennemfører tre klyngemøder og et internat om året.\n"
    "- Andelen af penicillin V blandt antibiotika stiger i hver praksis (mål: mindst 36 %).",
)


def _at(y, m, d, h=16, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=CPH)


def _meeting(cluster: Cluster, *, kind: str, day: dt.date, title: str) -> Meeting:
    """The meeting the meetings step made; created here only when that step did not."""
    meeting = cluster.meetings.filter(kind=kind, starts_at__date=day).first()
    if meeting is None:
        meeting = meeting_services.meeting_create(
            cluster=cluster,
            kind=kind,
            title=title,
            starts_at=_at(day.year, day.month, day.day),
            ends_at=_at(day.year, day.month, day.day, 19),
            venue_name="Bernstorff Slot",
        )
    return meeting


def _item(meeting: Meeting, title_part: str):
    return meeting.agenda_items.filter(title__icontains=title_part).first()


def _vote(poll, rng, *, yes: float, no: float, when: dt.datetime) -> None:
    """Every entitled voter votes: yes, no or abstain with the shares given (a fixed random stream)."""
    codes = {o.code: o.pk for o in poll.options.all()}
    for entitlement in (
        Entitlement.objects.filter(poll=poll).select_related("person", "holder").order_by("person_id")
    ):
        draw = rng.random()
        code = "yes" if draw < yes else ("no" if draw < yes + no else "abstain")
        actor = entitlement.holder or entitlement.person
        services.vote_cast(
            poll=poll,
            person=actor,
            option_ids=[codes[code]],
            on_behalf_of=entitlement.person if entitlement.holder_id else None,
            now=when,
        )


def _check_in_if_empty(meeting: Meeting, cluster: Cluster, day: dt.date, rng) -> None:
    if meeting.attendances.exists():
        return
    for person in voters_of(cluster=cluster, day=day):
        if rng.random() < 0.8:
            meeting_services.attendance_check_in(meeting=meeting, person=person)


def build_decisions(today: dt.date | None = None) -> None:
    rng = random.Random(143)
    gentofte = Cluster.objects.get(slug="gentofte")
    chair = Person.objects.get(email="formand@gentofte.demo")
    practice = Practice.objects.get(name=SUSPENDED_PRACTICE)

    services.charter_adopt(cluster=gentofte, kind="statutes", text=STATUTES, adopted_on=dt.date(2018, 9, 1))

    ga = gentofte.meetings.filter(kind=MeetingKind.GENERAL_ASSEMBLY, starts_at__year=2022).first()
    if ga is None:
        ga = _meeting(
            gentofte,
            kind=MeetingKind.GENERAL_ASSEMBLY,
            day=dt.date(2022, 3, 14),
            title="Generalforsamling 2022",
        )
    aug = _meeting(
        gentofte,
        kind=MeetingKind.CLUSTER_MEETING,
        day=dt.date(2022, 8, 29),
        title="Klyngemøde: henvisning til kommunale tilbud",
    )
    ga2023 = _meeting(
        gentofte, kind=MeetingKind.GENERAL_ASSEMBLY, day=dt.date(2023, 2, 27), title="Generalforsamling 2023"
    )
    _check_in_if_empty(ga, gentofte, dt.date(2022, 3, 14), rng)
    _check_in_if_empty(aug, gentofte, dt.date(2022, 8, 29), rng)

    # 14/3 2022: the values, proposed by the board, adopted in an open vote.
    ga_start = ga.starts_at
    motion = services.motion_create(
        cluster=gentofte,
        meeting=ga,
        title="Værdier, regler og mål for klyngen",
        text="Bestyrelsen foreslår, at klyngen vedtager det vedlagte sæt af værdier, regler og mål.",
        submitter=chair,
        by_board=True,
        attachments=[("vaerdier-regler-og-maal.md", VALUES_2022.encode())],
        now=ga_start - dt.timedelta(days=20),
    )
    values = services.poll_create(
        cluster=gentofte,
        meeting=ga,
        motion=motion,
        agenda_item=_item(ga, "ærdi"),
        question="Vedtager generalforsamlingen bestyrelsens forslag til værdier, regler og mål?",
        effect={"kind": "charter", "charter_kind": "values", "text": VALUES_2022},
        by=chair,
    )
    services.poll_open(poll=values, now=ga_start + dt.timedelta(minutes=70))
    _vote(values, rng, yes=0.9, no=0.04, when=ga_start + dt.timedelta(minutes=72))
    services.poll_close(poll=values, by=chair, now=ga_start + dt.timedelta(minutes=75))
    services.poll_publish(poll=values)

    # The confidence vote, asked as the assembly asked it (seed 000): secret, simple majority; a no puts
    # the practice on hold until the new vote on 29/8.
    confidence = services.poll_create(
        cluster=gentofte,
        meeting=ga,
        agenda_item=_item(ga, "forslag"),
        question=f"Er der tillid til lægerne fra {SUSPENDED_PRACTICE} og deres fortsatte deltagelse i klyngemøderne?",
        description="Afstemningen er hemmelig. Simpelt flertal af de afgivne stemmer; blanke tælles ikke med. "
        "Stemmer et flertal nej, sættes praksis' deltagelse på hold indtil en ny afstemning den 29/8 2022.",
        secret=True,
        majority="simple",
        effect={
            "kind": "suspend",
            "applies_if": "rejected",
            "practice_id": practice.pk,
            "ends_on": dt.date(2022, 8, 29),
            "reason": "Generalforsamlingen havde ikke tillid til praksis.",
        },
        by=chair,
    )
    services.poll_open(poll=confidence, now=ga_start + dt.timedelta(minutes=90))
    _vote(confidence, rng, yes=0.3, no=0.58, when=ga_start + dt.timedelta(minutes=92))
    services.poll_close(poll=confidence, by=chair, now=ga_start + dt.timedelta(minutes=95))
    services.poll_publish(poll=confidence)

    # 29/8 2022: the new vote extends the hold to the next general assembly (27/2 2023).
    extension = services.poll_create(
        cluster=gentofte,
        meeting=aug,
        agenda_item=_item(aug, SUSPENDED_PRACTICE),
        question=(
            f"Er der nu tillid til lægerne fra {SUSPENDED_PRACTICE}, så deres pause fra klyngemøderne kan "
            "slutte?"
        ),
        description="Stemmer et flertal nej, forlænges pausen til næste generalforsamling.",
        secret=True,
        majority="simple",
        effect={
            "kind": "suspend",
            "applies_if": "rejected",
            "practice_id": practice.pk,
            "until_next_general_assembly": True,
            "reason": "Pausen blev forlænget ved en ny afstemning.",
        },
        by=chair,
    )
    aug_start = aug.starts_at
    services.poll_open(poll=extension, now=aug_start + dt.timedelta(minutes=150))
    _vote(extension, rng, yes=0.28, no=0.62, when=aug_start + dt.timedelta(minutes=152))
    services.poll_close(poll=extension, by=chair, now=aug_start + dt.timedelta(minutes=155))
    services.poll_publish(poll=extension)

    # 27/2 2023: the hold has ended; the goals are revised for the next year (version 2).
    _check_in_if_empty(ga2023, gentofte, dt.date(2023, 2, 27), rng)
    revised = services.poll_create(
        cluster=gentofte,
        meeting=ga2023,
        question="Vedtager generalforsamlingen de reviderede mål for 2023-2024?",
        effect={"kind": "charter", "charter_kind": "values", "text": VALUES_2023},
        by=chair,
    )
    services.poll_open(poll=revised, now=ga2023.starts_at + dt.timedelta(minutes=60))
    _vote(revised, rng, yes=0.85, no=0.05, when=ga2023.starts_at + dt.timedelta(minutes=62))
    services.poll_close(poll=revised, by=chair, now=ga2023.starts_at + dt.timedelta(minutes=65))
    services.poll_publish(poll=revised)

    # An online poll open from the day the demo is built, for trying the live voting in the demo.
    opened = dt.datetime.combine(today or timezone.localdate(), dt.time(9, 0), tzinfo=CPH)
    open_data = services.poll_create(
        cluster=gentofte,
        question="Skal klyngens praksis se hinandens data med navn (åbne data)?",
        description="Vedtages forslaget, vises praksis' tal med navn i stedet for pseudonym (Praksis A, B ...).",
        closes_at=opened + dt.timedelta(days=14),
        effect={"kind": "open_data", "open_data": True, "reason": "Vedtaget ved online-afstemning."},
        by=chair,
    )
    services.poll_open(poll=open_data, now=opened)
    if ga.status != MeetingStatus.HELD:
        meeting_services.meeting_update(meeting=ga, status=MeetingStatus.HELD, notify=False)
