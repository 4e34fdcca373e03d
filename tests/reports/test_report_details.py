"""Report details: confidence votes told as the seed tells them, secret and recorded votes, guests' roles,
each meeting's venue, questionnaires answered before the meeting or not."""

import datetime as dt

from klynge.reports import prose
from klynge.reports.facts import DecisionFact, GuestFact, MeetingFact, SurveyFact

D = dt.date


def confidence(**kw):
    fields = {
        "date": D(2025, 3, 10),
        "question": "Er der tillid til Charlottenlund Lægehus' fortsatte deltagelse?",
        "adopted": False,
        "effect_kind": "suspend",
        "applies_if": "rejected",
        "effect_applied": True,
        "practice": "Charlottenlund Lægehus",
        "votes_for": 6,
        "votes_against": 11,
        "hold_until": D(2025, 8, 29),
        "hold_until_new_vote": True,
        **kw,
    }
    return " ".join(
        prose.decision_sentences(DecisionFact(**fields), subject="Generalforsamlingen", year=2025)
    )


def test_no_confidence_reads_as_the_assembly_said_it():
    assert confidence() == (
        "Der var afstemning om, hvorvidt der var tillid til lægerne fra Charlottenlund Lægehus. "
        "Et simpelt flertal stemte for, at der ikke var tillid (11 mod 6 stemmer), og deres deltagelse i "
        "klyngemøderne blev sat på hold indtil en ny afstemning den 29/8."
    )
    assert "ikke vedtaget" not in confidence()


def test_confidence_given_and_no_majority_and_an_extension():
    given = confidence(adopted=True, effect_applied=False, votes_for=11, votes_against=6)
    assert (
        "Et simpelt flertal stemte for, at der var tillid (11 mod 6 stemmer), og deres deltagelse i " in given
    )
    assert "fortsatte." in given and "hold" not in given
    tie = confidence(effect_applied=False, votes_for=5, votes_against=5)
    assert "Der var ikke flertal for, at der ikke var tillid (5 for, 5 imod)" in tie
    extended = confidence(
        date=D(2025, 8, 29),
        is_extension=True,
        hold_until=None,
        until_next_general_assembly=True,
        next_general_assembly=D(2026, 3, 2),
        votes_for=4,
        votes_against=12,
    )
    assert extended == (
        "Ved generalforsamlingen stemte et simpelt flertal for, at der fortsat ikke var tillid til lægerne fra "
        "Charlottenlund Lægehus (12 mod 4 stemmer), og pausen fra klyngemøderne blev forlænget til næste "
        "generalforsamling den 2/3 2026."
    )


def test_a_secret_vote_is_said_to_be_and_recorded_votes_once_per_meeting():
    decision = DecisionFact(
        date=D(2025, 3, 10),
        question="Skal klyngen vedtage værdier, regler og mål?",
        adopted=True,
        effect_kind="charter",
        charter_kind="values",
        votes_for=14,
        votes_against=2,
        secret=True,
        recorded_afterwards=True,
    )
    meeting = MeetingFact(
        kind="klyngemoede",
        title="Klyngemøde",
        start=D(2025, 5, 19),
        end=D(2025, 5, 19),
        venue="Bernstorff Slot",
        package="Iskæmisk hjertesygdom",
        decisions=[decision, decision],
    )
    text = prose.meeting_paragraph(meeting)
    assert text.startswith(
        "Til klyngemødet den 19/5 på Bernstorff Slot blev klyngepakken om iskæmisk hjertesygdom gennemgået."
    )
    assert text.count("Afstemningen var hemmelig.") == 2
    assert text.count("Afstemningerne er registreret i Klynge efterfølgende.") == 1


def test_guests_are_named_with_their_role():
    meeting = MeetingFact(
        kind="klyngemoede",
        title="Klyngemøde",
        start=D(2025, 9, 1),
        end=D(2025, 9, 1),
        venue="Gentofte Rådhus",
        theme="Henvisninger",
        guests=[
            GuestFact("Hanne Holm", "Region Hovedstaden", "praksiskonsulent"),
            GuestFact("Karen Kok", "", "kommune"),
            GuestFact("Birgitte Ærø", "Gribskov Kommune, Sundhed", "kommune"),
        ],
    )
    text = prose.meeting_paragraph(meeting)
    assert (
        "Til mødet medvirkede praksiskonsulent Hanne Holm (Region Hovedstaden), Karen Kok (kommunen) og "
        "Birgitte Ærø (Gribskov Kommune, Sundhed)." in text
    )
    assert "Klyngemødet den 1/9 på Gentofte Rådhus havde temaet henvisninger." in text


def test_a_questionnaire_still_open_at_the_meeting_is_not_said_to_be_answered_before_it():
    def told(before):
        meeting = MeetingFact(
            kind="klyngemoede",
            title="Klyngemøde",
            start=D(2025, 9, 1),
            end=D(2025, 9, 1),
            surveys=[SurveyFact("Henvisninger", answered=12, before_meeting=before)],
        )
        return prose.meeting_paragraph(meeting)

    assert "Før mødet havde tolv medlemmer svaret på spørgeskemaet »Henvisninger«." in told(True)
    assert "Tolv medlemmer svarede på spørgeskemaet »Henvisninger«." in told(False)
    assert "Før mødet" not in told(False)
