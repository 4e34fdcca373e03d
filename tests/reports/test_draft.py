"""The draft of the annual report states every fact of the year and nothing that did not happen."""

import datetime as dt
import re

import pytest

from klynge.core import services as core_services
from klynge.core.models import Role, Title
from klynge.meetings import services as meetings
from klynge.meetings.models import MeetingKind
from klynge.reports import prose, selectors
from klynge.reports.facts import YearFacts, fingerprint
from tests.factories import ClusterFactory, make_person, make_practice

from .year import at


def draft(cluster, year=2024):
    return selectors.draft_for(cluster=cluster, year=year).text


def test_the_draft_states_every_fact_of_the_year(year):
    text = draft(year.world.cluster)
    expected = [
        "# Formandsberetning for 2024",
        "Klynge Øresund Nord har i 2024 afholdt tre klyngemøder og et internat.",
        # Each meeting's date and theme.
        "den 11/3 som generalforsamling",
        "med temaet klyngens fremtid",
        "den 3/6 med en klyngepakke om antibiotika i almen praksis",
        "Klyngemødet den 3/6 på Hellerup Strandhotel havde temaet antibiotika til børn",
        "Klyngemødet den 9/9 på Hellerup Strandhotel havde temaet sårbare ældre.",
        "Internatet blev afholdt den 4/10-5/10 på Hotel Marienlyst med temaet arbejdsglæde og trivsel.",
        "Bestyrelsen har desuden holdt et bestyrelsesmøde.",
        # What was done at the meetings.
        "Der blev bl.a. set på egne data.",
        "Før mødet havde tre medlemmer svaret på spørgeskemaet »Antibiotika til børn – før mødet«.",
        "Til mødet medvirkede Birgitte Ærø (Gribskov Kommune, Sundhed).",
        "forsinket antibiotikaordination",
        "idérunden »Idérunde 2024«, hvor medlemmerne foreslog to idéer",
        # Each decision and its effect.
        "Generalforsamlingen vedtog med et simpelt flertal (4 for, 0 imod) et sæt af værdier, regler og mål.",
        "De er beskrevet på klyngens hjemmeside øresundnord.dk.",
        "Der var afstemning om at sætte deltagelsen i klyngemøderne for lægerne fra Lægehuset ved Åen på hold.",
        "Et simpelt flertal stemte for (2 for, 1 imod), og deltagelsen blev sat på hold indtil en ny afstemning den 3/6.",
        "Ved mødet stemte et simpelt flertal for (2 for, 0 imod), at pausen fra klyngemøderne for lægerne fra "
        "Lægehuset ved Åen blev forlænget til næste generalforsamling den 10/3 2025.",
        # The retreat: facilitator, speaker, wishes.
        "Til internatet kom Søren Ågård (Trivselshuset) og faciliterede forløbet, hvor vi bl.a. fik talt om "
        "uddelegering i klinikken.",
        "Desuden havde vi besøg af Åse Øberg (PLO), som bl.a. fortalte om fremtidens almen praksis.",
        "Blandt ønskerne var »klagesager og kritik« og »mere om søvn og stress«.",
        # Projects.
        "I 2024 er to nye klyngeprojekter sat i gang: »Sårbare ældre efter udskrivelse« og »Færre sovepiller«.",
        "Projektet »Sårbare ældre efter udskrivelse« blev taget op på mødet den 9/9.",
        # Attendance.
        "I alt deltog seks læger fra tre praksis i mindst ét møde.",
        # Next year's dates and venues.
        "Følgende datoer er besluttet for møder i 2025:",
        "- Generalforsamling 10/3 Hellerup Strandhotel",
        "- Klyngemøde 2/6 Gentofte Rådhus",
        "- Klyngeinternat 3/10-4/10 Hotel Marienlyst",
    ]
    flat = " ".join(text.split())
    for fact in expected:
        assert " ".join(fact.split()) in flat, f"missing: {fact}\n\n{text}"


def test_nothing_is_said_about_what_did_not_happen(year):
    text = draft(year.world.cluster)
    # The cancelled meeting, the board meeting's content and empty sections stay out.
    assert "KOL" not in text
    assert "20/11" not in text
    assert "Øvrige beslutninger" not in text
    assert not re.search(r"\b0 (projekt|møde|læge|praksis|idé)", text)
    assert not re.search(r"\bingen\b", text.lower())
    assert "workshop" not in text.lower()
    # The routine frame of a meeting is not told as content.
    assert "Velkomst" not in text


def test_a_year_without_records_gives_only_the_title(db):
    cluster = ClusterFactory(name="Klynge Tom")
    assert draft(cluster, 2023).strip() == "# Formandsberetning for 2023"


def test_singular_forms_for_a_cluster_with_one_meeting(db):
    cluster = ClusterFactory(name="Klynge Lille")
    practice = make_practice(cluster, "Lægerne i Ølstykke")
    doctor = make_person(cluster, Role.MEMBER, practice=practice)
    meeting = meetings.meeting_create(
        cluster=cluster,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde",
        theme="Diabetes",
        starts_at=at(2023, 4, 17),
        ends_at=at(2023, 4, 17, 19),
        venue_name="Ølstykke Kro",
    )
    meetings.attendance_check_in(meeting=meeting, person=doctor)
    nurse = core_services.person_invite(
        cluster=cluster,
        email="sygeplejerske@example.dk",
        name="Sygeplejerske Sø",
        title=Title.NURSE,
        practice=practice,
        role=Role.MEMBER,
        send_mail=False,
    )
    meetings.attendance_check_in(meeting=meeting, person=nurse)  # staff, not a doctor
    text = draft(cluster, 2023)
    assert "Klynge Lille har i 2023 afholdt et klyngemøde." in text
    assert "Mødet blev afholdt den 17/4 med temaet diabetes." in text
    assert "## Klyngemødet" in text
    assert "I alt deltog en læge fra en praksis i mindst ét møde." in text
    assert "møder" not in text.replace("klyngemøder", "")  # no plural anywhere
    assert "Internat" not in text


def test_plural_forms_for_several_retreats_and_meetings(db):
    facts = YearFacts(cluster_name="Klynge X", year=2022)
    from klynge.reports.facts import MeetingFact

    for day in (3, 10):
        facts.meetings.append(
            MeetingFact(
                kind="internat", title="I", start=dt.date(2022, 5, day), end=dt.date(2022, 5, day + 1)
            )
        )
    for day in (1, 2):
        facts.meetings.append(
            MeetingFact(kind="klyngemoede", title="K", start=dt.date(2022, 2, day), end=dt.date(2022, 2, day))
        )
    facts.meetings.sort(key=lambda m: m.start)
    text = prose.compose(facts)
    assert "Klynge X har i 2022 afholdt to klyngemøder og to internater." in text
    assert "De to møder blev afholdt henholdsvis den 1/2 og den 2/2." in text
    assert "Internaterne blev afholdt den 3/5-4/5 og den 10/5-11/5." in text


def test_the_fingerprint_follows_the_records(year):
    cluster = year.world.cluster
    first = selectors.draft_for(cluster=cluster, year=2024)
    assert selectors.draft_for(cluster=cluster, year=2024).fingerprint == first.fingerprint
    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre og polyfarmaci", notify=False)
    second = selectors.draft_for(cluster=cluster, year=2024)
    assert second.fingerprint != first.fingerprint
    assert "sårbare ældre og polyfarmaci" in second.text
    assert fingerprint(second.facts) == second.fingerprint


@pytest.mark.parametrize("year_value", [1999, 3000])
def test_years_outside_the_range_are_not_found(year_value):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.check_year(year_value)
