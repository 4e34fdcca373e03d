"""Demo records of the meetings capability: Gentofte's 2022 year (seed 000) and the dates for 2023.

All people are invented. The general assembly 14/3 2022 suspended Strandvejens Lægehus (the decisions
step records the vote); its doctors are not checked in at the later meetings of the year.
"""

import datetime as dt
import random
import zoneinfo

from django.core.files.base import ContentFile

from klynge.core import selectors as core_selectors
from klynge.core.models import Cluster, Person
from klynge.meetings import services
from klynge.meetings.models import Answer, GuestRole, MeetingKind, MeetingStatus, NoteKind, PackageSource

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
SUSPENDED_PRACTICE = "Strandvejens Lægehus"


def _at(y, m, d, h=16, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=CPH)


def _packages():
    painkillers = services.package_create(
        cluster=None,
        title="Smertestillende medicin",
        source=PackageSource.KIAP,
        focus="Brug af opioider, gabapentinoider og NSAID i almen praksis; nedtrapning og alternativer.",
        data_basis="Praksisdata fra ordiprax+: opioider (N02A), tramadol (N02AX02), oxycodon (N02AA05), "
        "gabapentinoider (N03AX12/N03AX16) og NSAID (M01A) pr. 1.000 tilmeldte patienter, egen praksis mod klyngen.",
        background="Afhængighedsskabende lægemidler giver risiko for fald, forstoppelse og afhængighed.",
        recommendations="- Lav en plan for varighed ved opstart\n- Genvurdér behandling hver 3. måned\n"
        "- Brug nedtrapningsplaner",
        discussion_questions="1. Hvordan ser vores ordinationsmønster ud sammenlignet med klyngen?\n"
        "2. Hvem i klinikken følger op på patienter i langvarig behandling?",
    )
    heart = services.package_create(
        cluster=None,
        title="Iskæmisk hjertesygdom",
        source=PackageSource.KIAP,
        focus="Forebyggelse og opfølgning af patienter med iskæmisk hjertesygdom; forløbsplaner.",
        data_basis="Egne data hentet via KIAP: andel med statin (C10AA), blodtryksmåling og årskontrol.",
        background="Forløbsprogrammet for hjerte-kar-sygdom beskriver årskontrol i almen praksis.",
        recommendations="- Tilbyd årskontrol\n- Behandl med statin efter gældende vejledning",
        discussion_questions="1. Hvordan sikrer vi årskontrollen?\n2. Hvad viser vores egne data?",
    )
    referrals = services.package_create(
        cluster=None,
        title="Henvisning til kommunale tilbud",
        source=PackageSource.KIAP,
        focus="Kendskab til og brug af kommunens tilbud om forebyggelse og rehabilitering.",
        data_basis="Spørgeskema fra KIAP til klyngens medlemmer før mødet.",
        background="Mange patienter kan få gavn af kommunale tilbud, men henvisningen er ujævn.",
        recommendations="- Kend kommunens tilbud\n- Aftal en fast kontaktperson",
        discussion_questions="1. Hvilke tilbud henviser vi til?\n2. Hvad gør vi, når ventetiden er lang?",
    )
    return painkillers, heart, referrals


def _documents(cluster: Cluster, by: Person) -> None:
    docs = [
        (
            "KIAP: Vejledning om klyngepakker",
            "kiap",
            "kiap-klyngepakker.md",
            "# Klyngepakker\n\nSådan bestiller klyngen en pakke hos KIAP.\n",
        ),
        (
            "PLO: Deltagerliste og bilag efter klyngemøder",
            "plo",
            "plo-deltagerliste.md",
            "# Deltagerliste\n\nPLO skal have en deltagerliste og kvitteringer efter hvert møde.\n",
        ),
        (
            "Skabelon: Projektbeskrivelse",
            "template",
            "projektbeskrivelse.md",
            "# Projektbeskrivelse\n\nFormål, målgruppe, data, tidsplan.\n",
        ),
        (
            "Slides: Værdier, regler og mål",
            "slides",
            "vaerdier.md",
            "# Værdier, regler og mål\n\nUdkast til generalforsamlingen 2022.\n",
        ),
    ]
    for title, category, filename, text in docs:
        document = services.document_create(
            cluster=cluster,
            title=title,
            category=category,
            upload=ContentFile(text.encode(), name=filename),
            by=by,
        )
        if category == "slides":
            services.document_version_add(
                document=document,
                upload=ContentFile((text + "\nVedtaget version.\n").encode(), name=filename),
                note="Vedtaget på generalforsamlingen",
                by=by,
            )


def _hold(
    meeting, members, guests, rng, *, share: float, skip_practice: bool, chair, minutes: dict, approve=True
):
    """Invitations with answers, check-in, minutes (approved by the chair a week later unless
    `approve` is false: a meeting held days ago), status held."""
    services.meeting_invite_all(
        meeting=meeting, send_mail=False, now=meeting.starts_at - dt.timedelta(days=30)
    )
    for invitation in meeting.invitations.select_related("person__practice"):
        person = invitation.person
        suspended = skip_practice and person.practice and person.practice.name == SUSPENDED_PRACTICE
        comes = not suspended and (invitation.is_guest or rng.random() < share or person == chair)
        answer = Answer.YES if comes else (Answer.NO if rng.random() < 0.8 else Answer.MAYBE)
        services.invitation_answer(
            invitation=invitation, answer=answer, now=meeting.starts_at - dt.timedelta(days=10)
        )
        if comes:
            services.attendance_check_in(meeting=meeting, person=person, by=chair)
    for item in meeting.agenda_items.all():
        if item.title in minutes:
            text, decision = minutes[item.title]
            services.minutes_write(item=item, minutes=text, decisions=decision)
        else:
            services.minutes_write(item=item, minutes="Punktet blev behandlet.")
    if approve:
        services.minutes_approve(meeting=meeting, by=chair, now=meeting.ends_at + dt.timedelta(days=7))
    services.meeting_update(meeting=meeting, status=MeetingStatus.HELD, notify=False)


def build_meetings(today: dt.date | None = None) -> None:
    """Gentofte 2022 and the dates decided for 2023 (seed 000): fixed dates, whatever `today`."""
    rng = random.Random(2022)
    gentofte = Cluster.objects.get(slug="gentofte")
    chair = Person.objects.get(email="formand@gentofte.demo")
    coordinator = Person.objects.get(email="koordinator@gentofte.demo")
    painkillers, heart, referrals = _packages()
    _documents(gentofte, coordinator)
    members, _ = core_selectors.active_members(cluster=gentofte, day=dt.date(2022, 3, 1))

    _general_assembly(gentofte, chair, coordinator, members, rng, painkillers)
    _heart_meeting(gentofte, chair, coordinator, members, rng, heart)
    _referrals_meeting(gentofte, chair, coordinator, members, rng, referrals)
    _retreat(gentofte, chair, coordinator, members, rng)
    _plan_2023(gentofte, chair)


def _general_assembly(
    gentofte: Cluster, chair: Person, coordinator: Person, members, rng: random.Random, painkillers
) -> None:
    """14/3: general assembly with the values debate, then the package on painkillers."""
    ga = services.meeting_create(
        cluster=gentofte,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="Generalforsamling 2022",
        theme="Værdidebat: klyngens værdier, regler og mål",
        starts_at=_at(2022, 3, 14),
        ends_at=_at(2022, 3, 14, 19),
        venue_name="Bernstorff Slot",
        venue_address="Jægersborg Allé 93, 2820 Gentofte",
        package=painkillers,
        with_template=True,
        by=chair,
    )
    services.agenda_item_create(
        meeting=ga,
        title="Værdidebat: værdier, regler og mål",
        duration_minutes=45,
        responsible=chair,
        position=5,
    )
    services.agenda_item_create(
        meeting=ga,
        title="Gennemgang af klyngepakken om smertestillende medicin",
        duration_minutes=60,
        responsible=coordinator,
        link_label="Klyngepakken: Smertestillende medicin",
        link_url=f"/k/gentofte/pakker/{painkillers.pk}/",
    )
    _hold(
        ga,
        members,
        [],
        rng,
        share=0.85,
        skip_practice=False,
        chair=chair,
        minutes={
            "Valg af dirigent og referent": ("Dirigent og referent blev valgt uden modkandidater.", ""),
            "Bestyrelsens beretning": (
                "Formanden aflagde beretning for 2021. Beretningen blev taget til efterretning.",
                "",
            ),
            "Værdidebat: værdier, regler og mål": (
                "Der var en god debat om, hvad vi forventer af hinanden: fremmøde, forberedelse og åbenhed om data. "
                "Forslaget til **værdier, regler og mål** blev tilpasset og vedtaget.",
                "Sættet af værdier, regler og mål er vedtaget.",
            ),
            "Indkomne forslag": (
                "Afstemning om tillid til lægerne fra Strandvejens Lægehus. Et simpelt flertal stemte for, "
                "at der ikke var tillid, og at praksis' deltagelse sættes på hold indtil en ny afstemning 29/8.",
                "Praksis' deltagelse er sat på hold indtil afstemningen 29/8.",
            ),
            "Gennemgang af klyngepakken om smertestillende medicin": (
                "Vi så på egne ordinationer af opioider og gabapentinoider mod klyngen og drøftede nedtrapning.",
                "",
            ),
        },
    )


def _heart_meeting(
    gentofte: Cluster, chair: Person, coordinator: Person, members, rng: random.Random, heart
) -> None:
    """23/5: ischaemic heart disease with own data."""
    may = services.meeting_create(
        cluster=gentofte,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde: iskæmisk hjertesygdom",
        theme="Iskæmisk hjertesygdom med egne data",
        starts_at=_at(2022, 5, 23),
        ends_at=_at(2022, 5, 23, 19),
        venue_name="Bernstorff Slot",
        venue_address="Jægersborg Allé 93, 2820 Gentofte",
        package=heart,
        by=chair,
    )
    for title, minutes, who in [
        ("Velkomst og opfølgning fra generalforsamlingen", 10, chair),
        ("Forløbsplaner for hjertesygdom", 40, coordinator),
        ("Egne data fra KIAP: statin og årskontrol", 60, coordinator),
        ("Hvad tager vi med hjem til klinikken?", 30, chair),
    ]:
        services.agenda_item_create(meeting=may, title=title, duration_minutes=minutes, responsible=who)
    _hold(
        may,
        members,
        [],
        rng,
        share=0.8,
        skip_practice=True,
        chair=chair,
        minutes={
            "Forløbsplaner for hjertesygdom": (
                "Forløbsplanerne for hjertesygdom blev vist og gennemgået.",
                "",
            ),
            "Egne data fra KIAP: statin og årskontrol": (
                "Hver praksis så sine egne data hentet via KIAP mod klyngens gennemsnit.",
                "Alle praksis gennemgår deres patienter uden årskontrol inden 1/11.",
            ),
        },
    )


def _referrals_meeting(
    gentofte: Cluster, chair: Person, coordinator: Person, members, rng: random.Random, referrals
) -> None:
    """29/8: referrals to municipal services, with municipal guests and a questionnaire."""
    aug = services.meeting_create(
        cluster=gentofte,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde: henvisning til kommunale tilbud",
        theme="Henvisning til kommunale tilbud",
        starts_at=_at(2022, 8, 29),
        ends_at=_at(2022, 8, 29, 19),
        venue_name="Bernstorff Slot",
        venue_address="Jægersborg Allé 93, 2820 Gentofte",
        package=referrals,
        by=chair,
    )
    services.guest_add(
        meeting=aug,
        name="Karen Forebyggelse",
        email="gaest@gentofte.demo",
        organisation="Gentofte Kommune, Forebyggelse",
        role=GuestRole.MUNICIPALITY,
    )
    services.guest_add(
        meeting=aug,
        name="Lars Genoptræning",
        email="lars.genoptraening@kommune.demo",
        organisation="Gentofte Kommune, Rehabilitering",
        role=GuestRole.MUNICIPALITY,
    )
    for title, minutes in [
        ("Resultater af KIAP's spørgeskema til medlemmerne", 20),
        ("Kommunens tilbud om forebyggelse og rehabilitering", 45),
        ("Situationen på Tranehaven", 30),
        ("Ny afstemning om Strandvejens Lægehus", 15),
    ]:
        services.agenda_item_create(meeting=aug, title=title, duration_minutes=minutes)
    _hold(
        aug,
        members,
        [],
        rng,
        share=0.75,
        skip_practice=True,
        chair=chair,
        minutes={
            "Kommunens tilbud om forebyggelse og rehabilitering": (
                "Medarbejdere fra kommunens forebyggelse og rehabilitering fortalte om tilbuddene.",
                "",
            ),
            "Ny afstemning om Strandvejens Lægehus": (
                "Et flertal stemte for at forlænge pausen fra klyngemøderne til næste generalforsamling i 2023.",
                "Pausen er forlænget til generalforsamlingen 2023.",
            ),
        },
    )


def _retreat(gentofte: Cluster, chair: Person, coordinator: Person, members, rng: random.Random) -> None:
    """5/11-6/11: retreat on wellbeing with a facilitator and a guest speaker (invented people)."""
    retreat = services.meeting_create(
        cluster=gentofte,
        kind=MeetingKind.RETREAT,
        title="Internat 2022: trivsel og arbejdsglæde",
        theme="Trivsel og arbejdsglæde",
        starts_at=_at(2022, 11, 5, 9),
        ends_at=_at(2022, 11, 6, 15),
        venue_name="Kursuscenter Øresundskysten",
        venue_address="Strandvejen 400, 3000 Helsingør",
        by=chair,
    )
    facilitator = services.guest_add(
        meeting=retreat,
        name="Hanne Bøgh Lindstrøm",
        email="hanne.lindstrom@trivsel.demo",
        organisation="Trivsel i Praksis",
        role=GuestRole.FACILITATOR,
    )
    speaker = services.guest_add(
        meeting=retreat,
        name="Jens Vestergaard Holm",
        email="jens.holm@sundhed.demo",
        organisation="Tidligere direktør i en lægeforening",
        role=GuestRole.SPEAKER,
    )
    for title, minutes, who in [
        ("Organisering og uddelegering i klinikken", 180, facilitator.person),
        ("Embedsværket, PLO's rolle og det primære sundhedsvæsen", 90, speaker.person),
        ("Forebyggelse af den øgede arbejdsbyrde", 120, facilitator.person),
        ("Ønsker til næste internat", 30, chair),
    ]:
        services.agenda_item_create(meeting=retreat, title=title, duration_minutes=minutes, responsible=who)
    _hold(
        retreat,
        members,
        [],
        rng,
        share=0.7,
        skip_practice=True,
        chair=chair,
        minutes={
            "Organisering og uddelegering i klinikken": (
                "Facilitatoren ledte os gennem organisering og uddelegering i klinikkerne for at forebygge "
                "den øgede arbejdsbyrde.",
                "",
            ),
            "Ønsker til næste internat": (
                "Ønskerne til næste internat blev samlet (se listen på mødets side).",
                "",
            ),
        },
    )
    for wish in ("Fortsat fokus på det gode lægeliv og trivsel", "Klagesager og kritik"):
        services.meeting_note_add(meeting=retreat, text=wish, kind=NoteKind.RETREAT_WISH, by=chair)


def _plan_2023(gentofte: Cluster, chair: Person) -> None:
    """The dates decided for 2023."""
    services.next_year_plan_create(
        cluster=gentofte,
        by=chair,
        entries=[
            {
                "kind": MeetingKind.GENERAL_ASSEMBLY,
                "title": "Generalforsamling 2023",
                "starts_at": _at(2023, 2, 27),
                "ends_at": _at(2023, 2, 27, 19),
                "venue_name": "Bernstorff Slot",
                "with_template": True,
                "is_public": True,
            },
            {
                "kind": MeetingKind.CLUSTER_MEETING,
                "title": "Klyngemøde",
                "starts_at": _at(2023, 5, 22),
                "ends_at": _at(2023, 5, 22, 19),
                "venue_name": "Bernstorff Slot",
                "is_public": True,
            },
            {
                "kind": MeetingKind.CLUSTER_MEETING,
                "title": "Klyngemøde",
                "starts_at": _at(2023, 9, 4),
                "ends_at": _at(2023, 9, 4, 19),
                "venue_name": "Bernstorff Slot",
                "is_public": True,
            },
            {
                "kind": MeetingKind.RETREAT,
                "title": "Klyngeinternat 2023",
                "starts_at": _at(2023, 11, 4, 9),
                "ends_at": _at(2023, 11, 5, 15),
                "venue_name": "Marienlyst",
                "venue_address": "Ndr. Strandvej 2, 3000 Helsingør",
                "theme": "Det gode lægeliv og trivsel; klagesager og kritik",
                "is_public": True,
            },
        ],
    )
