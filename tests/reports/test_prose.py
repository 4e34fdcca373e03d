"""The prose module alone: every kind of decision and project state, written from plain dataclasses."""

import datetime as dt

from klynge.reports import prose
from klynge.reports.facts import DecisionFact, GuestFact, MeetingFact, ProjectFact, YearFacts

D = dt.date


def test_projects_started_taken_up_and_revisited():
    text = prose.projects_paragraph(
        [
            ProjectFact("Færre sovepiller", started=D(2023, 3, 1)),
            ProjectFact("Antibiotika til børn", taken_up=D(2023, 5, 22)),
            ProjectFact("KOL-kontrol", taken_up=D(2023, 9, 4)),
            ProjectFact("Opioider", revisited=D(2023, 11, 6)),
        ],
        2023,
    )
    assert "I 2023 er et nyt klyngeprojekt sat i gang: »Færre sovepiller«." in text
    assert (
        "Klyngen tog to projekter op på møderne: »Antibiotika til børn« den 22/5 og »KOL-kontrol« den 4/9."
        in text
    )
    assert "Projektet »Opioider« blev genbesøgt den 6/11, så vi kunne se på data igen." in text


def test_each_kind_of_decision():
    def say(**kw):
        base = {"date": D(2023, 2, 27), "question": "Forslag: Spørgsmålet.", "adopted": True}
        return " ".join(
            prose.decision_sentences(DecisionFact(**{**base, **kw}), subject="Generalforsamlingen", year=2023)
        )

    assert say(poll_kind="multi", elected=["Anne Ørsted", "Bo Åberg"], alternates=["Carl"]) == (
        "Ved valget »Spørgsmålet« blev Anne Ørsted og Bo Åberg valgt, og Carl blev suppleant."
    )
    assert (
        say(poll_kind="single", winner="Marienlyst")
        == "Ved afstemningen om »Spørgsmålet« fik »Marienlyst« flest stemmer."
    )
    assert say(effect_kind="open_data", open_data=True, votes_for=20, votes_against=3) == (
        "Generalforsamlingen besluttede med et simpelt flertal (20 for, 3 imod), at klyngens praksis deler deres "
        "data åbent med hinanden."
    )
    assert say(effect_kind="charter", charter_kind="statutes", majority="two_thirds") == (
        "Generalforsamlingen vedtog med et kvalificeret flertal på to tredjedele nye vedtægter."
    )
    assert (
        say(adopted=False, votes_for=4, votes_against=9)
        == "Forslaget »Spørgsmålet« blev ikke vedtaget (4 for, 9 imod)."
    )
    assert say(effect_kind="suspend", practice="Lægehuset", hold_until=D(2024, 1, 15)) == (
        "Der var afstemning om at sætte deltagelsen i klyngemøderne for lægerne fra Lægehuset på hold. "
        "Et simpelt flertal stemte for, og deltagelsen blev sat på hold indtil den 15/1 2024."
    )


def test_a_facilitator_at_a_cluster_meeting_and_wishes_recorded_there():
    meeting = MeetingFact(
        kind="klyngemoede",
        title="Klyngemøde",
        start=D(2023, 5, 22),
        end=D(2023, 5, 22),
        theme="Trivsel",
        guests=[
            GuestFact("Ida Ø", "Trivselshuset", "facilitator"),
            GuestFact("Ove Å", "Region H", "hospital"),
        ],
        wishes=["Søvn"],
    )
    text = prose.meeting_paragraph(meeting)
    assert "Klyngemødet den 22/5 havde temaet trivsel." in text
    assert "Mødet blev faciliteret af Ida Ø (Trivselshuset)." in text
    assert "Til mødet medvirkede Ove Å (Region H)." in text
    assert "Det blev ved mødet den 22/5 diskuteret" in text
    assert "Ønsket var »søvn«." in text


def test_decisions_outside_meetings_get_their_own_section():
    facts = YearFacts(cluster_name="Klynge Å", year=2023)
    facts.other_decisions.append(
        DecisionFact(
            date=D(2023, 6, 1), question="Åbne data?", adopted=True, effect_kind="open_data", open_data=False
        )
    )
    text = prose.compose(facts)
    assert "## Øvrige beslutninger" in text
    assert "Den 1/6 stemte klyngen om et forslag uden for møderne." in text
    assert "Klyngen besluttede med et simpelt flertal, at klyngens data er lukkede" in text
