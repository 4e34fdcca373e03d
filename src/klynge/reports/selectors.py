"""Reads for the reports: the year's records gathered into simple facts, and the activity figures.

Reports sits at the top of the layering and reads every other app; nothing imports it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from klynge.core import selectors as core_selectors
from klynge.core.models import Cluster, Practice, Title
from klynge.decisions.models import Decision
from klynge.meetings import selectors as meeting_selectors
from klynge.meetings.models import (
    GENERAL_ASSEMBLY_AGENDA,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingGuest,
    MeetingKind,
    MeetingNote,
    MeetingStatus,
    NoteKind,
    PackageSource,
)
from klynge.projects.models import TAKEN_UP, IdeaRound, Project, ProjectStatus, ProjectTransition
from klynge.surveys.models import Survey, SurveyStatus

from . import prose
from .facts import (
    DecisionFact,
    GuestFact,
    MeetingFact,
    PlannedMeetingFact,
    ProjectFact,
    SurveyFact,
    YearFacts,
    fingerprint,
)
from .models import AnnualReport

FIRST_YEAR = 2000
DOCTOR_TITLES = (Title.GP, Title.EMPLOYED_DOCTOR, Title.TRAINEE)
# Agenda items that are the frame of a meeting rather than its content.
ROUTINE_TITLES = {title.lower() for title, _ in GENERAL_ASSEMBLY_AGENDA}
ROUTINE_PREFIXES = (
    "velkomst",
    "eventuelt",
    "ønsker til næste internat",
    "godkendelse af",
    "evaluering af mødet",
)


def check_year(year: int) -> int:
    """A year a report can be about: from 2000 to next year. Others are 404."""
    if not FIRST_YEAR <= int(year) <= timezone.localdate().year + 1:
        raise Http404("Året findes ikke")
    return int(year)


def report_years(*, cluster: Cluster) -> list[int]:
    years = set(meeting_selectors.meeting_years(cluster=cluster))
    years.update(cluster.annual_reports.values_list("year", flat=True))
    this_year = timezone.localdate().year
    return sorted((y for y in years if FIRST_YEAR <= y <= this_year), reverse=True)


def default_year() -> int:
    """In January-March the chair writes about last year; later about this one."""
    today = timezone.localdate()
    return today.year - 1 if today.month <= 3 else today.year


def annual_report_for(*, cluster: Cluster, year: int) -> AnnualReport | None:
    return cluster.annual_reports.filter(year=year).select_related("edited_by").first()


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def held_meetings(*, cluster: Cluster, year: int, now: dt.datetime | None = None) -> list[Meeting]:
    """The year's meetings that took place: not cancelled and already begun."""
    now = now or timezone.now()
    return list(
        cluster.meetings.filter(starts_at__year=year, starts_at__lte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("package")
        .order_by("starts_at", "id")
    )


def _is_routine(title: str) -> bool:
    lowered = title.strip().lower()
    return lowered in ROUTINE_TITLES or lowered.startswith(ROUTINE_PREFIXES) or lowered.endswith("?")


def _own_data_item(item: AgendaItem, slug: str) -> bool:
    text = f"{item.title} {item.link_label}".lower()
    return "egne data" in text or f"/k/{slug}/data/" in (item.link_url or "")


def _covered_by(title: str, meeting: Meeting) -> bool:
    """True when the item is told elsewhere: the package, a questionnaire or a vote."""
    lowered = title.lower()
    if meeting.package and meeting.package.title.lower() in lowered:
        return True
    if lowered.startswith(("klyngeprojekt:", "genbesøg:")):
        return True  # told under the cluster's projects
    return any(
        word in lowered for word in ("klyngepakke", "spørgeskema", "afstemning", "valg af", "valg til")
    )


# Decisions ------------------------------------------------------------------------------------------


def _decision_fact(
    decision: Decision, *, cluster: Cluster, suspends: list[Decision], practices: dict
) -> DecisionFact:
    poll = decision.poll
    effect = (poll.effect if poll else {}) or {}
    counts = decision.counts or {}
    fact = DecisionFact(
        date=decision.decided_on,
        question=decision.question,
        adopted=decision.adopted,
        effect_kind=effect.get("kind", "") or "",
        applies_if=effect.get("applies_if") or "adopted",
        effect_applied=decision.effect_applied,
        secret=decision.secret,
        recorded_afterwards=decision.recorded_afterwards,
        poll_kind=poll.kind if poll else "yes_no",
        majority=poll.majority if poll else cluster.default_majority,
    )
    votes = counts.get("counts") or {}
    if fact.poll_kind == "yes_no" and "yes" in votes:
        fact.votes_for, fact.votes_against = votes.get("yes", 0), votes.get("no", 0)
    fact.elected = list(counts.get("elected") or [])
    fact.alternates = list(counts.get("alternates") or [])
    fact.winner = counts.get("winner") or ""
    if fact.effect_kind == "suspend":
        practice_id = effect.get("practice_id")
        fact.practice = practices.get(practice_id, "")
        if effect.get("ends_on"):
            fact.hold_until = dt.date.fromisoformat(effect["ends_on"])
        fact.until_next_general_assembly = bool(effect.get("until_next_general_assembly"))
        if fact.until_next_general_assembly:
            after = timezone.make_aware(dt.datetime.combine(decision.decided_on, dt.time.max))
            meeting = meeting_selectors.next_general_assembly(cluster=cluster, after=after)
            fact.next_general_assembly = _local(meeting.starts_at) if meeting else None
        same = [
            d
            for d in suspends
            if d.pk != decision.pk and (d.poll.effect or {}).get("practice_id") == practice_id
        ]
        fact.is_extension = any(d.effect_applied and d.decided_on < decision.decided_on for d in same)
        fact.hold_until_new_vote = fact.hold_until is not None and any(
            d.decided_on == fact.hold_until for d in same
        )
    elif fact.effect_kind == "charter":
        fact.charter_kind = effect.get("charter_kind", "")
    elif fact.effect_kind == "open_data":
        fact.open_data = bool(effect.get("open_data"))
    return fact


# The year's facts ------------------------------------------------------------------------------------


@dataclass
class YearBasis:
    """What both the draft and the activity figures start from: read once for a page that shows both."""

    meetings: list[Meeting]
    projects: list[ProjectFact]
    guests: list[MeetingGuest]  # with their persons, in the order they were added
    attendance: list[tuple[int, int, int | None, str]]  # meeting, person, the person's practice and title
    member_practices: set[int]  # every practice that is or was a member of the cluster


def year_basis(*, cluster: Cluster, year: int, now: dt.datetime | None = None) -> YearBasis:
    meetings = held_meetings(cluster=cluster, year=year, now=now)
    ids = [m.pk for m in meetings]
    return YearBasis(
        meetings=meetings,
        projects=_project_facts(cluster=cluster, year=year, meetings=meetings),
        guests=list(
            MeetingGuest.objects.filter(meeting_id__in=ids)
            .select_related("person")
            .order_by("created_at", "id")
        ),
        attendance=list(
            Attendance.objects.filter(meeting_id__in=ids).values_list(
                "meeting_id", "person_id", "person__practice_id", "person__title"
            )
        ),
        member_practices=set(cluster.memberships.values_list("practice_id", flat=True)),
    )


def year_facts(
    *, cluster: Cluster, year: int, now: dt.datetime | None = None, basis: YearBasis | None = None
) -> YearFacts:
    """Everything the annual report is written from, read in a fixed number of queries."""
    now = now or timezone.now()
    basis = basis or year_basis(cluster=cluster, year=year, now=now)
    meetings = basis.meetings
    ids = [m.pk for m in meetings]
    facts = YearFacts(cluster_name=cluster.name, year=year, website=cluster.website)

    items = defaultdict(list)
    for item in (
        AgendaItem.objects.filter(meeting_id__in=ids)
        .annotate(poll_count=Count("polls"), motion_count=Count("motions"))
        .order_by("position", "id")
    ):
        items[item.meeting_id].append(item)
    guests = defaultdict(list)
    guest_meeting_people = set()
    for guest in basis.guests:
        guests[guest.meeting_id].append(guest)
        guest_meeting_people.add((guest.meeting_id, guest.person_id))
    wishes = defaultdict(list)
    for note in MeetingNote.objects.filter(meeting_id__in=ids, kind=NoteKind.RETREAT_WISH).order_by("id"):
        wishes[note.meeting_id].append(note.text)
    surveys = defaultdict(list)
    for survey in (
        Survey.objects.filter(meeting_id__in=ids, status=SurveyStatus.SENT)
        .select_related("copied_from")
        .annotate(answered=Count("participations", distinct=True), asked=Count("invitations", distinct=True))
        .order_by("id")
    ):
        surveys[survey.meeting_id].append(survey)
    rounds = defaultdict(list)
    for idea_round in (
        IdeaRound.objects.filter(meeting_id__in=ids)
        .annotate(idea_count=Count("ideas", filter=Q(ideas__merged_into__isnull=True)))
        .order_by("created_at")
    ):
        rounds[idea_round.meeting_id].append((idea_round.title, idea_round.idea_count))

    kinds = {m.pk: m.kind for m in meetings}
    attendance = defaultdict(int)
    doctors, practices_present = set(), set()
    for meeting_id, person_id, practice_id, title in basis.attendance:
        if (meeting_id, person_id) in guest_meeting_people or practice_id not in basis.member_practices:
            continue
        attendance[meeting_id] += 1
        if kinds[meeting_id] != MeetingKind.BOARD_MEETING and title in DOCTOR_TITLES:
            doctors.add(person_id)
            practices_present.add(practice_id)
    facts.doctors_attending = len(doctors)
    facts.practices_attending = len(practices_present)

    decisions = list(
        Decision.objects.filter(cluster=cluster, decided_on__year=year)
        .select_related("poll")
        .order_by("decided_on", "id")
    )
    suspends = (
        list(Decision.objects.filter(cluster=cluster, poll__effect__kind="suspend").select_related("poll"))
        if any((d.poll and (d.poll.effect or {}).get("kind") == "suspend") for d in decisions)
        else []
    )
    practice_names = dict(Practice.objects.filter(memberships__cluster=cluster).values_list("pk", "name"))
    by_meeting = defaultdict(list)
    for decision in decisions:
        fact = _decision_fact(decision, cluster=cluster, suspends=suspends, practices=practice_names)
        if decision.meeting_id in ids:
            by_meeting[decision.meeting_id].append(fact)
        else:
            facts.other_decisions.append(fact)

    for meeting in meetings:
        if meeting.kind == MeetingKind.BOARD_MEETING:
            facts.board_meetings += 1
            continue
        fact = MeetingFact(
            kind=meeting.kind,
            title=meeting.title,
            start=_local(meeting.starts_at),
            end=_local(meeting.ends_at),
            venue=meeting.venue_name,
            theme=meeting.theme.strip(),
            attendance=attendance[meeting.pk],
            decisions=by_meeting[meeting.pk],
            wishes=wishes[meeting.pk],
            idea_rounds=rounds[meeting.pk],
        )
        if meeting.package:
            fact.package = meeting.package.title
            fact.package_from_kiap = meeting.package.source == PackageSource.KIAP
            fact.package_is_follow_up = meeting.package.follow_up_of_id is not None
        guest_people = {}
        for guest in guests[meeting.pk]:
            guest_fact = GuestFact(name=guest.person.name, organisation=guest.organisation, role=guest.role)
            guest_people[guest.person_id] = guest_fact
            fact.guests.append(guest_fact)
        for item in items[meeting.pk]:
            if _own_data_item(item, cluster.slug):
                fact.own_data = True
                fact.own_data_from_kiap = (
                    fact.own_data_from_kiap or "kiap" in f"{item.title} {item.link_label}".lower()
                )
                continue
            if (
                item.poll_count
                or item.motion_count
                or _is_routine(item.title)
                or _covered_by(item.title, meeting)
            ):
                continue
            if item.responsible_id in guest_people:
                guest_people[item.responsible_id].topics.append(item.title)
            else:
                fact.topics.append(item.title)
        for survey in surveys[meeting.pk]:
            answered = survey.answered + (survey.recorded_answers or 0)
            if not answered:
                continue
            from_kiap = "kiap" in survey.title.lower() or bool(
                survey.copied_from
                and survey.copied_from.is_template
                and "kiap" in survey.copied_from.title.lower()
            )
            unit = "praksis" if survey.audience == "practices" else "personer"
            fact.surveys.append(
                SurveyFact(
                    title=survey.title,
                    answered=answered,
                    asked=survey.asked,
                    unit=unit,
                    from_kiap=from_kiap,
                    before_meeting=survey.closes_on is not None and survey.closes_on <= fact.start,
                )
            )
        facts.meetings.append(fact)

    facts.projects = basis.projects
    facts.next_year = [
        PlannedMeetingFact(kind=m.kind, start=_local(m.starts_at), end=_local(m.ends_at), venue=m.venue_name)
        for m in cluster.meetings.filter(starts_at__year=year + 1)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(kind=MeetingKind.BOARD_MEETING)
        .order_by("starts_at", "id")
    ]
    return facts


def _project_facts(*, cluster: Cluster, year: int, meetings: list[Meeting]) -> list[ProjectFact]:
    """Projects started in the year (at the meeting of their idea round, or when created), taken up
    at one of the year's meetings, or revisited in the year."""
    held = {m.pk: _local(m.starts_at) for m in meetings}
    revisits = dict(
        ProjectTransition.objects.filter(
            project__cluster=cluster, to_status=ProjectStatus.REVISITED, at__year=year
        ).values_list("project_id", "at")
    )
    result = []
    projects = (
        Project.objects.filter(cluster=cluster)
        .filter(
            Q(created_at__year=year)
            | Q(round__meeting_id__in=list(held))
            | Q(taken_up_meeting_id__in=list(held))
            | Q(followup_meeting_id__in=list(held))
            | Q(pk__in=list(revisits))
        )
        .exclude(status=ProjectStatus.REJECTED)
        .select_related("round__meeting")
        # Only what the facts use: a project's description fields are long.
        .only(
            "title",
            "status",
            "created_at",
            "taken_up_meeting_id",
            "followup_meeting_id",
            "round__meeting__starts_at",
        )
        .order_by("created_at", "id")
    )
    for project in projects:
        fact = ProjectFact(title=project.title)
        round_meeting = project.round.meeting if project.round_id and project.round.meeting_id else None
        started = _local(round_meeting.starts_at) if round_meeting else _local(project.created_at)
        if started.year == year:
            fact.started = started
        if project.taken_up_meeting_id in held and project.status in TAKEN_UP:
            fact.taken_up = held[project.taken_up_meeting_id]
        revisited_statuses = (ProjectStatus.REVISITED, ProjectStatus.CLOSED)
        if project.followup_meeting_id in held and project.status in revisited_statuses:
            fact.revisited = held[project.followup_meeting_id]
        elif project.pk in revisits:
            fact.revisited = _local(revisits[project.pk])
        if fact.started or fact.taken_up or fact.revisited:
            result.append(fact)
    return result


@dataclass
class Draft:
    facts: YearFacts
    text: str
    fingerprint: str


def draft_for(
    *, cluster: Cluster, year: int, now: dt.datetime | None = None, basis: YearBasis | None = None
) -> Draft:
    facts = year_facts(cluster=cluster, year=year, now=now, basis=basis)
    return Draft(facts=facts, text=prose.compose(facts), fingerprint=fingerprint(facts))


# Activity report --------------------------------------------------------------------------------------


@dataclass
class ActivityMeeting:
    meeting: Meeting
    kind: str
    date: dt.date
    end: dt.date
    members: int
    practices: int
    guests: int
    package: str = ""
    package_source: str = ""


@dataclass
class KindRow:
    kind: str
    label: str
    meetings: int
    attendance: int

    @property
    def average(self) -> float:
        return self.attendance / self.meetings if self.meetings else 0.0


@dataclass
class ActivityFigures:
    cluster: Cluster
    year: int
    meetings: list[ActivityMeeting] = field(default_factory=list)
    by_kind: list[KindRow] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    packages: list[tuple[str, str]] = field(default_factory=list)  # (title, source label)
    projects_started: list[str] = field(default_factory=list)
    projects_taken_up: list[str] = field(default_factory=list)
    projects_revisited: list[str] = field(default_factory=list)
    surveys: list[tuple[str, int, int]] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    doctors: int = 0
    doctors_attending: int = 0
    practices_attending: int = 0

    @property
    def provider_numbers(self) -> list[str]:
        return [p.provider_number for p in self.practices]


def activity_figures(
    *, cluster: Cluster, year: int, now: dt.datetime | None = None, basis: YearBasis | None = None
) -> ActivityFigures:
    """What KIAP's yearly activity questionnaire and activity report ask for, for the year."""
    now = now or timezone.now()
    basis = basis or year_basis(cluster=cluster, year=year, now=now)
    figures = meeting_figures(cluster=cluster, year=year, basis=basis)
    for project in basis.projects:
        if project.started:
            figures.projects_started.append(project.title)
        if project.taken_up:
            figures.projects_taken_up.append(project.title)
        if project.revisited:
            figures.projects_revisited.append(project.title)
    for survey in (
        Survey.objects.filter(cluster=cluster, status=SurveyStatus.SENT, sent_at__year=year)
        .annotate(answered=Count("participations", distinct=True), asked=Count("invitations", distinct=True))
        .order_by("sent_at", "id")
    ):
        figures.surveys.append((survey.title, survey.answered + (survey.recorded_answers or 0), survey.asked))
    year_end = min(dt.date(year, 12, 31), timezone.localdate())
    figures.practices = core_selectors.cluster_practices(cluster=cluster, day=year_end)
    practice_ids = {p.pk for p in figures.practices}
    members = core_selectors.cluster_people(cluster=cluster, day=year_end, roles=core_selectors.MEMBER_ROLES)
    figures.doctors = sum(1 for p in members if p.practice_id in practice_ids and p.title in DOCTOR_TITLES)
    return figures


def meeting_figures(*, cluster: Cluster, year: int, basis: YearBasis) -> ActivityFigures:
    """The year's meetings with who attended (members, practices, guests), by kind: what the annual
    report's page shows beside the draft, without the register and questionnaire figures."""
    meetings = basis.meetings
    figures = ActivityFigures(cluster=cluster, year=year)
    guests = defaultdict(set)
    for guest in basis.guests:
        guests[guest.meeting_id].add(guest.person_id)
    people = defaultdict(set)
    practices = defaultdict(set)
    guest_count = defaultdict(int)
    all_doctors, all_practices = set(), set()
    doctors_present = defaultdict(set)
    for meeting_id, person_id, practice_id, title in basis.attendance:
        if person_id in guests[meeting_id] or practice_id not in basis.member_practices:
            guest_count[meeting_id] += 1
            continue
        people[meeting_id].add(person_id)
        practices[meeting_id].add(practice_id)
        if title in DOCTOR_TITLES:
            doctors_present[meeting_id].add((person_id, practice_id))
    labels = dict(MeetingKind.choices)
    kinds: dict[str, KindRow] = {}
    for meeting in meetings:
        row = ActivityMeeting(
            meeting=meeting,
            kind=str(labels.get(meeting.kind, meeting.kind)),
            date=_local(meeting.starts_at),
            end=_local(meeting.ends_at),
            members=len(people[meeting.pk]),
            practices=len(practices[meeting.pk]),
            guests=guest_count[meeting.pk],
        )
        if meeting.package:
            row.package = meeting.package.title
            row.package_source = meeting.package.get_source_display()
            if (row.package, row.package_source) not in figures.packages:
                figures.packages.append((row.package, row.package_source))
        if meeting.theme and meeting.theme not in figures.topics:
            figures.topics.append(meeting.theme)
        figures.meetings.append(row)
        kind_row = kinds.setdefault(meeting.kind, KindRow(meeting.kind, row.kind, 0, 0))
        kind_row.meetings += 1
        kind_row.attendance += row.members
        if meeting.kind != MeetingKind.BOARD_MEETING:
            all_doctors |= {person for person, _ in doctors_present[meeting.pk]}
            all_practices |= {practice for _, practice in doctors_present[meeting.pk]}
    order = list(MeetingKind.values)
    figures.by_kind = sorted(kinds.values(), key=lambda r: order.index(r.kind))
    figures.doctors_attending = len(all_doctors)
    figures.practices_attending = len(all_practices)
    return figures


def attendance_meetings(*, cluster: Cluster, year: int, now: dt.datetime | None = None) -> list[Meeting]:
    """The year's held meetings that PLO wants an attendance list for (board meetings left out)."""
    return [
        m for m in held_meetings(cluster=cluster, year=year, now=now) if m.kind != MeetingKind.BOARD_MEETING
    ]
