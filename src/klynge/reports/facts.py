"""The year's records as simple data: what the selector reads and the prose is written from.

Plain dataclasses with no Django import; `as_snapshot` turns them into JSON-ready data for the
fingerprint kept with each draft.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

# Meeting kinds (the values of klynge.meetings.models.MeetingKind).
GENERAL_ASSEMBLY = "generalforsamling"
CLUSTER_MEETING = "klyngemoede"
BOARD_MEETING = "bestyrelsesmoede"
RETREAT = "internat"
WORKSHOP = "workshop"

# Guest roles (klynge.meetings.models.GuestRole).
FACILITATOR = "facilitator"
SPEAKER = "oplaegsholder"
PRACTICE_CONSULTANT = "praksiskonsulent"
KIAP = "kiap"
MUNICIPALITY = "kommune"
HOSPITAL = "hospital"


@dataclass
class GuestFact:
    name: str
    organisation: str = ""
    role: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass
class SurveyFact:
    title: str
    answered: int
    asked: int = 0
    unit: str = "personer"
    from_kiap: bool = False
    before_meeting: bool = True  # the last day to answer was no later than the meeting


@dataclass
class DecisionFact:
    date: dt.date
    question: str
    adopted: bool
    effect_kind: str = ""  # "", "suspend", "charter", "open_data"
    applies_if: str = "adopted"  # "adopted", or "rejected" for a confidence vote
    effect_applied: bool = False
    secret: bool = False
    recorded_afterwards: bool = False
    poll_kind: str = "yes_no"  # "yes_no", "single", "multi"
    majority: str = "simple"
    votes_for: int | None = None
    votes_against: int | None = None
    practice: str = ""
    hold_until: dt.date | None = None
    until_next_general_assembly: bool = False
    next_general_assembly: dt.date | None = None
    hold_until_new_vote: bool = False
    is_extension: bool = False
    charter_kind: str = ""  # "values", "statutes"
    open_data: bool = False
    elected: list[str] = field(default_factory=list)
    alternates: list[str] = field(default_factory=list)
    winner: str = ""


@dataclass
class MeetingFact:
    kind: str
    title: str
    start: dt.date
    end: dt.date
    venue: str = ""
    theme: str = ""
    package: str = ""
    package_from_kiap: bool = False
    package_is_follow_up: bool = False
    own_data: bool = False
    own_data_from_kiap: bool = False
    surveys: list[SurveyFact] = field(default_factory=list)
    guests: list[GuestFact] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    decisions: list[DecisionFact] = field(default_factory=list)
    wishes: list[str] = field(default_factory=list)
    idea_rounds: list[tuple[str, int]] = field(default_factory=list)  # (title, ideas)
    attendance: int = 0


@dataclass
class ProjectFact:
    title: str
    started: dt.date | None = None
    taken_up: dt.date | None = None
    revisited: dt.date | None = None


@dataclass
class PlannedMeetingFact:
    kind: str
    start: dt.date
    end: dt.date
    venue: str = ""


@dataclass
class YearFacts:
    cluster_name: str
    year: int
    website: str = ""
    meetings: list[MeetingFact] = field(default_factory=list)
    board_meetings: int = 0
    other_decisions: list[DecisionFact] = field(default_factory=list)
    projects: list[ProjectFact] = field(default_factory=list)
    doctors_attending: int = 0
    practices_attending: int = 0
    next_year: list[PlannedMeetingFact] = field(default_factory=list)

    def meetings_of(self, *kinds: str) -> list[MeetingFact]:
        return [m for m in self.meetings if m.kind in kinds]


def _default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value)!r}")


def as_snapshot(facts: YearFacts) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(facts), default=_default))


def fingerprint(facts: YearFacts) -> str:
    """SHA-256 of the facts: changes whenever anything the draft is written from changes."""
    text = json.dumps(as_snapshot(facts), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
