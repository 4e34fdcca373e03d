"""Demo records of the projects capability: Østerbro's project workshop (seed 003).

The six topics of the interview, the members' dots and interest groups, the fluconazole project
written in the template, and the plan that takes the projects up at the cluster meetings of the next
two years. Dates are relative to the day the demo is loaded, so the plan always lies ahead.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

from klynge.core.dates import add_months
from klynge.core.models import BOARD_ROLES, Cluster, Person, Role, RoleAssignment
from klynge.meetings.models import MeetingKind, MeetingStatus
from klynge.meetings.services import meeting_create
from klynge.projects import services
from klynge.projects.models import ProjectStatus
from klynge.projects.rounds import services as round_services

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
S = ProjectStatus

# (title, description, why it matters, dots, sign-ups)
IDEAS = [
    (
        "Fluconazol i almen praksis",
        "Øget brug af peroral behandling, øget forekomst af resistens og invasive sygdomme?",
        "Vi udskriver fluconazol hver uge, ofte på telefonen; vi ved ikke, om vi bruger det for meget.",
        31,
        6,
    ),
    (
        "Kræftpakke-henvisninger (dialog med diagnostisk enhed)",
        "Dialog med diagnostisk enhed på Bispebjerg og Frederiksberg Hospital om henvisninger til pakkeforløb.",
        "Usikkerhed om, hvornår vi skal henvise til pakkeforløb, og lang ventetid på svar.",
        24,
        5,
    ),
    (
        "Kommunale henvisninger og SOFT-portalen",
        "Ønske om et smidigere samarbejde med kommunen (dialog med kommunen).",
        "Henvisninger forsvinder, og vi ved ikke, hvad der sker med patienten bagefter.",
        22,
        5,
    ),
    (
        "Antibiotika i almen praksis – er vi opdaterede?",
        "Valg af antibiotika og andelen af penicillin V i klyngen.",
        "Nye vejledninger og resistens; vi vil gerne se vores egne tal.",
        24,
        6,
    ),
    (
        "Osteoporose i almen praksis",
        "Opsporing og behandling efter lavenergibrud.",
        "Mange patienter med hoftebrud får ingen behandling bagefter.",
        15,
        4,
    ),
    (
        "Sygemeldinger i almen praksis",
        "Attester og samarbejdet med jobcentret.",
        "Attestarbejdet tager meget tid i hverdagen.",
        12,
        4,
    ),
]

FLUCONAZOLE = {
    "background": (
        "Brugen af fluconazol er steget markant: i Region Hovedstaden steg forbruget med 275 % fra 2003 "
        "til 2014, og Danmark bruger mere svampemiddel end de andre skandinaviske lande. I klyngen varierer "
        "udskrivningen fra 18 til 64 recepter pr. 1.000 tilmeldte kvinder pr. år (ordiprax+). Peroral "
        "behandling gives ofte uden undersøgelse, og resistens og invasive svampeinfektioner bekymrer."
    ),
    "purpose": "Vi vil bruge fluconazol målrettet, så flere kvinder med ukompliceret svampeinfektion får lokalbehandling.",
    "goals": (
        "Klyngens gennemsnit er under 30 recepter på fluconazol (J02AC01) pr. 1.000 tilmeldte kvinder pr. år inden 1/12 2027\n"
        "Højst 5 praksis ligger over 40 recepter pr. 1.000 tilmeldte kvinder inden 1/12 2027"
    ),
    "target_population": "Kvinder 18-65 år med symptomer på vulvovaginal candidiasis, der henvender sig i klinikken eller i telefonen.",
    "indicators": "Recepter på fluconazol (J02AC01) pr. 1.000 tilmeldte kvinder pr. år, egen praksis mod klyngen",
    "indicator_codes": "J02AC01",
    "data_source": "ordiprax+ (Sundhedsdatastyrelsen) via lukket eSundhed; KIAP's datatræk til klyngen",
    "baseline": "Klyngens gennemsnit det seneste år: 41 recepter pr. 1.000 tilmeldte kvinder (spænd 18-64).",
    "planned_changes": (
        "Fælles vejledning i klinikken: lokalbehandling er førstevalg ved ukompliceret infektion\n"
        "Telefonkonsultation: sekretær og sygeplejerske spørger efter tidligere episoder før recept"
    ),
    "pdsa_cycles": (
        "PDSA 1: fire praksis afprøver vejledningen i 6 uger og tæller recepter og lokalbehandlinger\n"
        "PDSA 2: telefonspørgsmålene afprøves i to praksis i 4 uger"
    ),
    "partners": "Apotek (Østerbro Apotek om lokalbehandling i håndkøb)",
    "meetings_text": "Næste klyngemøde: data, vejledning og fælles aftale. Genbesøg med nye tal efter 12-18 måneder.",
    "time_plan": "Måned 1: data og vejledning klar\nMåned 2-4: PDSA-cyklusser\nMåned 5: klyngemøde\nMåned 6-12: ny praksis og måling",
    "plan_months": 12,
    "budget": "Ingen ud over klyngemødet (forplejning 2.500 kr).",
    "questionnaires": "Kort spørgeskema før mødet: hvordan håndterer I telefonhenvendelser om svamp?",
    "evaluation": "Sammenlign recepter pr. 1.000 kvinder før og efter; drøft på genbesøget, hvad der virkede.",
    "lessons_learnt": "",
}

OTHERS = {
    "Antibiotika i almen praksis – er vi opdaterede?": {
        "purpose": "Vi vil øge andelen af penicillin V blandt antibiotika til luftvejsinfektioner.",
        "goals": "Mindst 36 % penicillin V (J01CE02) af alle J01-recepter i klyngen inden 1/6 2028",
        "target_population": "Patienter med luftvejsinfektion, der får antibiotika",
        "indicators": "Andel penicillin V (J01CE02) af alle J01-recepter",
        "indicator_codes": "J01CE02, J01",
        "data_source": "ordiprax+",
        "baseline": "30 % i klyngen sidste år",
        "pdsa_cycles": "PDSA 1: CRP-vejledning i tre praksis i 4 uger",
        "plan_months": 10,
    },
    "Kræftpakke-henvisninger (dialog med diagnostisk enhed)": {
        "purpose": "Vi vil aftale klare kriterier for henvisning til diagnostisk pakkeforløb med hospitalet.",
        "goals": "En fælles henvisningsguide er aftalt med diagnostisk enhed inden 1/3 2028",
        "target_population": "Patienter med uspecifikke symptomer på alvorlig sygdom",
        "indicators": "Antal henvisninger til diagnostisk pakkeforløb pr. 1.000 patienter pr. år",
        "data_source": "Egen optælling i lægesystemet (3 måneder før og efter)",
        "baseline": "Tælles i første kvartal",
        "pdsa_cycles": "PDSA 1: guiden afprøves i to praksis i 8 uger",
        "partners": "Hospital (diagnostisk enhed)",
        "plan_months": 12,
    },
    "Kommunale henvisninger og SOFT-portalen": {
        "purpose": "Vi vil gøre henvisninger til kommunens tilbud via SOFT-portalen enklere.",
        "goals": "80 % af henvisningerne i SOFT får svar inden 14 dage inden 1/9 2028",
        "target_population": "Patienter med kronisk sygdom, der henvises til kommunale tilbud",
        "indicators": "Andel henvisninger med svar inden 14 dage",
        "data_source": "Spørgeskema til praksis og kommunens opgørelse",
        "baseline": "Ukendt; måles de første 3 måneder",
        "pdsa_cycles": "PDSA 1: fast kontaktperson i kommunen afprøves i 6 uger",
        "partners": "Kommune",
        "plan_months": 12,
    },
}

DIFFUSE_DRAFT = {
    "purpose": "Vi vil se på sygemeldinger. Og attester generelt. Og samarbejdet med jobcentret og kommunen.",
    "goals": "Færre attester\nBedre samarbejde med jobcentret\nMindre tidsforbrug\nBedre kvalitet i attesterne",
    "partners": "Kommune, jobcenter, hospital",
    "plan_months": 24,
}


def _at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=CPH)


def _meetings(cluster: Cluster, today: dt.date) -> None:
    """Quarterly cluster meetings for the next two years, unless the cluster has some already."""
    future = cluster.meetings.filter(kind=MeetingKind.CLUSTER_MEETING, starts_at__gt=_at(today))
    if future.exists():
        return
    first = add_months(today, 2)
    for n in range(8):
        day = add_months(first, 3 * n)
        day = day + dt.timedelta(days=(3 - day.weekday()) % 7)  # a Thursday
        meeting_create(
            cluster=cluster,
            kind=MeetingKind.CLUSTER_MEETING,
            title=f"Klyngemøde {n + 1}",
            starts_at=_at(day),
            ends_at=_at(day, 20),
            venue_name="Lægerne Østerbrogade",
            venue_address="Østerbrogade 45, 2100 København Ø",
        )


def build_projects(today: dt.date | None = None) -> None:
    cluster = Cluster.objects.filter(slug="osterbro").first()
    if cluster is None:
        return
    today = today or timezone.localdate()
    board_ids = set(
        RoleAssignment.objects.current()
        .filter(cluster=cluster, role__in=BOARD_ROLES)
        .values_list("person_id", flat=True)
    )
    people = list(
        Person.objects.filter(role_assignments__cluster=cluster, role_assignments__role=Role.MEMBER)
        .distinct()
        .order_by("pk")
    )
    chair = Person.objects.get(email="formand@osterbro.demo")
    board_member = Person.objects.get(email="bestyrelse@osterbro.demo")
    member = Person.objects.get(email="medlem@osterbro.demo")
    board = [chair, board_member] + [
        p for p in people if p.pk in board_ids and p not in (chair, board_member)
    ]
    others = [p for p in people if p.pk not in board_ids and p != member]

    ideas = _workshop(cluster, today, chair=chair, member=member, others=others, board=board)
    _meetings(cluster, today)
    first_meeting = (
        cluster.meetings.filter(kind=MeetingKind.CLUSTER_MEETING, starts_at__gt=_at(today))
        .order_by("starts_at")
        .first()
    )
    projects = _projects_from_ideas(cluster, ideas, board=board, chair=chair)
    _descriptions(projects, first_meeting=first_meeting, member=member, chair=chair)

    plan = services.rotation_propose(cluster=cluster, by=chair, today=today)
    services.rotation_publish(plan=plan, by=chair)


def _workshop(cluster: Cluster, today: dt.date, *, chair, member, others, board) -> list:
    """The held workshop: ideas, a duplicate merged by the board, dots and interest groups; closed."""
    workshop_day = today - dt.timedelta(days=35)
    workshop = meeting_create(
        cluster=cluster,
        kind=MeetingKind.WORKSHOP,
        title="Klyngemøde: definering af klyngen og projektgenerering",
        starts_at=_at(workshop_day),
        ends_at=_at(workshop_day, 21),
        venue_name="Lægerne Østerbrogade",
        status=MeetingStatus.HELD,
    )
    round = round_services.round_create(
        cluster=cluster,
        title="Projektgenerering",
        meeting=workshop,
        dots_per_member=3,
        allow_stacking=True,
        group_limit=8,
        by=chair,
    )
    ideas = []
    for index, (title, description, why, _, _) in enumerate(IDEAS):
        ideas.append(
            round_services.idea_submit(
                round=round,
                person=others[index * 3],
                title=title,
                description=description,
                why_it_matters=why,
            )
        )
    # A duplicate from the workshop, merged by the board.
    duplicate = round_services.idea_submit(
        round=round, person=others[20], title="Antibiotika – nye vejledninger"
    )
    # Dots: each voter spends up to three; the totals follow IDEAS.
    voters = [member, *others, *board]
    wanted = [n for *_, n, _ in IDEAS]
    spent = dict.fromkeys((p.pk for p in voters), 0)
    position = 0
    for idea_index, count in enumerate(wanted):
        target = duplicate if idea_index == 3 else ideas[idea_index]
        for _ in range(count if idea_index != 3 else 4):
            person = voters[position % len(voters)]
            while spent[person.pk] >= 3:
                position += 1
                person = voters[position % len(voters)]
            round_services.dot_add(round=round, idea=target, person=person)
            spent[person.pk] += 1
            position += 1
        if idea_index == 3:
            for _ in range(count - 4):
                person = voters[position % len(voters)]
                while spent[person.pk] >= 3:
                    position += 1
                    person = voters[position % len(voters)]
                round_services.dot_add(round=round, idea=ideas[3], person=person)
                spent[person.pk] += 1
                position += 1
    # Interest groups: the member is in the fluconazole group; everyone else by turn.
    round_services.signup_add(round=round, idea=ideas[0], person=member)
    cursor = 1
    for idea, (*_, signups) in zip(ideas, IDEAS, strict=True):
        for _ in range(signups - (1 if idea is ideas[0] else 0)):
            round_services.signup_add(round=round, idea=idea, person=others[cursor % len(others)])
            cursor += 1
    round_services.idea_merge(round=round, duplicate=duplicate, keep=ideas[3], by=chair)
    round_services.round_close(round=round, by=chair)
    return ideas


def _projects_from_ideas(cluster: Cluster, ideas: list, *, board, chair) -> dict:
    """A project for each idea, led by one of its group, with a board contact in turn."""
    projects = {}
    for n, idea in enumerate(ideas):
        signed = [s.person for s in idea.signups.select_related("person").order_by("id")]
        lead = signed[1] if idea is ideas[0] else signed[0]
        projects[idea.title] = services.project_create(
            cluster=cluster,
            title=idea.title,
            lead=lead,
            board_contact=board[n % len(board)],
            idea=idea,
            by=chair,
        )
    return projects


def _descriptions(projects: dict, *, first_meeting, member, chair) -> None:
    """Fluconazole written in two steps and approved; the others approved; one diffuse draft."""
    first_day = timezone.localtime(first_meeting.starts_at).date()
    fluconazole = projects["Fluconazol i almen praksis"]
    lead = fluconazole.members.get(is_lead=True).person
    draft = {
        **FLUCONAZOLE,
        "goals": "Færre recepter på fluconazol\nBedre vejledning\nMindre resistens\nFærre telefonrecepter",
        "baseline": "",
    }
    services.project_save(project=fluconazole, by=lead, **_fields(draft, revisit=None))
    services.project_save(
        project=fluconazole, by=member, **_fields(FLUCONAZOLE, revisit=add_months(first_day, 15))
    )
    services.project_transition(project=fluconazole, to_status=S.READY, by=lead)
    services.project_transition(
        project=fluconazole, to_status=S.APPROVED, by=chair, note="Godkendt på bestyrelsesmødet"
    )

    for n, (title, fields) in enumerate(OTHERS.items(), start=1):
        project = projects[title]
        contact = project.board_contact
        services.project_save(
            project=project, by=contact, **_fields(fields, revisit=add_months(first_day, 3 * n + 14))
        )
        services.project_transition(project=project, to_status=S.READY, by=contact)
        services.project_transition(project=project, to_status=S.APPROVED, by=chair)
    sick_notes = projects["Sygemeldinger i almen praksis"]
    services.project_save(
        project=sick_notes,
        by=sick_notes.members.get(is_lead=True).person,
        **_fields(DIFFUSE_DRAFT, revisit=None),
    )
    services.project_save(
        project=projects["Osteoporose i almen praksis"],
        by=chair,
        purpose="Vi vil sikre, at flere patienter over 50 år med lavenergibrud får behandling for osteoporose.",
        indicator_codes="M05BA, M05BX04",
    )


def _fields(values: dict, *, revisit) -> dict:
    fields = dict(values)
    if revisit is not None:
        fields["revisit_date"] = revisit
    return fields
