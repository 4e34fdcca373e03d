import datetime as dt

import pytest
from django.utils import timezone

from klynge.core.models import Role
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import meeting_create
from tests.factories import make_person

TODAY = dt.date(2026, 1, 10)


def meeting_on(cluster, day: dt.date, title: str | None = None, kind=MeetingKind.CLUSTER_MEETING):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0)))
    return meeting_create(
        cluster=cluster,
        kind=kind,
        title=title or f"Klyngemøde {day:%d/%m %Y}",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Lægehuset",
    )


@pytest.fixture
def members(world):
    """Three more members of the world's cluster."""
    return [make_person(world.cluster, Role.MEMBER, practice=world.practice, name=f"Læge {n}") for n in "ABC"]


WELL_DELIMITED = {
    "title": "Fluconazol i almen praksis",
    "background": "Brugen af fluconazol er steget, og klyngens praksis varierer fra 20 til 60 recepter pr. 1.000 kvinder.",
    "purpose": "Vi vil bruge fluconazol mere målrettet til kvinder med svampeinfektion.",
    "goals": "Færre end 30 recepter på fluconazol pr. 1.000 tilmeldte kvinder pr. år inden 1/6 2027",
    "target_population": "Kvinder 18-65 år med vulvovaginal candidiasis",
    "indicators": "Recepter på fluconazol (J02AC01) pr. 1.000 tilmeldte kvinder pr. år",
    "indicator_codes": ["J02AC01"],
    "data_source": "ordiprax+ (Sundhedsdatastyrelsen)",
    "baseline": "Klyngens gennemsnit 2025: 42 recepter pr. 1.000 kvinder",
    "planned_changes": "Fælles behandlingsvejledning\nLokal behandling som førstevalg",
    "pdsa_cycles": "PDSA 1: fire praksis afprøver vejledningen i 6 uger og tæller recepter",
    "partners": "Apotek",
    "time_plan": "Vejledning klar marts 2026; måling efter 12 måneder",
    "plan_months": 10,
    "revisit_date": dt.date(2027, 9, 1),
    "lead_count": 1,
}

DIFFUSE = {
    "title": "Bedre medicin",
    "background": "Vi bruger for meget medicin. " * 200,
    "purpose": "Vi vil forbedre alt ved medicin. Og samarbejde bedre. Og have mere tid.",
    "goals": "Bedre antibiotikabrug\nFærre opioider\nMindre polyfarmaci\nBedre samarbejde med kommunen",
    "target_population": "",
    "indicators": "Antibiotika\nOpioider\nBenzodiazepiner\nAntipsykotika\nNSAID",
    "data_source": "",
    "baseline": "",
    "planned_changes": "",
    "pdsa_cycles": "",
    "partners": "Kommune, hospital, apotek",
    "plan_months": 30,
    "revisit_date": None,
    "lead_count": 0,
}
