"""Reads of the project pipeline, always from a cluster."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from klynge.core import selectors as core_selectors
from klynge.core.dates import add_months
from klynge.core.models import BOARD_ROLES, Cluster, Person, Role, RoleAssignment
from klynge.meetings.models import Meeting, MeetingKind, MeetingStatus

from .models import (
    ACTIVE,
    TAKEN_UP,
    Dot,
    GroupSignup,
    Idea,
    IdeaRound,
    PlanStatus,
    Project,
    ProjectMember,
    ProjectSettings,
    ProjectStatus,
    RotationPlan,
)
from .planning import IdeaTally, RankedIdea, rank_ideas
from .scope import Flag, scope_check


def _get(queryset, message: str, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message)


def settings_for(*, cluster: Cluster) -> ProjectSettings:
    found = ProjectSettings.objects.filter(cluster=cluster).first()
    return found or ProjectSettings(cluster=cluster)


# Rounds and ideas ----------------------------------------------------------------------------------


def cluster_rounds(*, cluster: Cluster):
    return cluster.idea_rounds.select_related("meeting").annotate(
        idea_count=Count("ideas", filter=Q(ideas__merged_into__isnull=True), distinct=True)
    )


def cluster_round_get(*, cluster: Cluster, round_id: int) -> IdeaRound:
    return _get(cluster.idea_rounds.select_related("meeting"), "Idérunden findes ikke", pk=round_id)


def round_by_code(*, person: Person, code: str) -> IdeaRound | None:
    """The round with this code in one of the person's clusters where they are a member."""
    code = (code or "").strip().upper().replace(" ", "")
    found = IdeaRound.objects.select_related("cluster").filter(code=code).first()
    if found is None or not core_selectors.is_member(person, found.cluster):
        return None
    return found


def round_idea_get(*, round: IdeaRound, idea_id: int) -> Idea:
    return _get(round.ideas.all(), "Ideen findes ikke", pk=idea_id)


def cluster_idea_get(*, cluster: Cluster, idea_id: int) -> Idea:
    return _get(cluster.ideas.select_related("round"), "Ideen findes ikke", pk=idea_id)


def round_ideas(*, round: IdeaRound, person: Person | None = None) -> list[Idea]:
    """The round's ideas that are not merged away, with dot, voter and sign-up counts, and, for a
    person, `my_dots` and `signed_up`. Three queries whatever the number of ideas."""
    ideas = list(
        round.ideas.filter(merged_into__isnull=True)
        .select_related("submitted_by")
        .order_by("created_at", "id")
    )
    dots = Counter()
    voters: dict[int, set[int]] = defaultdict(set)
    mine = Counter()
    for idea_id, person_id in Dot.objects.filter(round=round).values_list("idea_id", "person_id"):
        dots[idea_id] += 1
        voters[idea_id].add(person_id)
        if person is not None and person_id == person.pk:
            mine[idea_id] += 1
    signups: dict[int, list[int]] = defaultdict(list)
    names: dict[int, list[str]] = defaultdict(list)
    for idea_id, person_id, name in GroupSignup.objects.filter(round=round).values_list(
        "idea_id", "person_id", "person__name"
    ):
        signups[idea_id].append(person_id)
        names[idea_id].append(name)
    for order, idea in enumerate(ideas, start=1):
        idea.order = order
        idea.dot_count = dots[idea.pk]
        idea.voter_count = len(voters[idea.pk])
        idea.signup_count = len(signups[idea.pk])
        idea.signup_names = sorted(names[idea.pk])
        idea.my_dots = mine[idea.pk]
        idea.signed_up = person is not None and person.pk in signups[idea.pk]
        idea.group_full = round.group_limit is not None and idea.signup_count >= round.group_limit
    return ideas


def dots_used(*, round: IdeaRound, person: Person) -> int:
    return Dot.objects.filter(round=round, person=person).count()


def round_tallies(*, round: IdeaRound) -> list[IdeaTally]:
    return [
        IdeaTally(
            idea_id=i.pk,
            title=i.title,
            dots=i.dot_count,
            voters=i.voter_count,
            signups=i.signup_count,
            order=i.order,
        )
        for i in round_ideas(round=round)
    ]


def round_ranking(*, round: IdeaRound) -> list[RankedIdea]:
    """The stored ranking of a closed round, or the live ranking of an open one."""
    if not round.is_open and round.ranking:
        return [RankedIdea(**row) for row in round.ranking]
    return rank_ideas(round_tallies(round=round))


# Projects ------------------------------------------------------------------------------------------


def cluster_projects(*, cluster: Cluster):
    return cluster.projects.select_related("board_contact", "taken_up_meeting", "round").prefetch_related(
        "members__person"
    )


def cluster_project_get(*, cluster: Cluster, project_id: int) -> Project:
    return _get(
        cluster.projects.select_related(
            "board_contact", "taken_up_meeting", "cluster_package", "followup_meeting", "round", "idea"
        ),
        "Projektet findes ikke",
        pk=project_id,
    )


def project_lead(project: Project) -> Person | None:
    member = project.members.filter(is_lead=True).select_related("person").first()
    return member.person if member else None


def is_group_member(*, project: Project, person: Person) -> bool:
    return project.members.filter(person=person).exists()


def project_fields(project: Project) -> dict:
    """The template's values as plain data (for the scope check and the version snapshot)."""
    return {
        "title": project.title,
        "cluster_package": project.cluster_package.title if project.cluster_package_id else "",
        "background": project.background,
        "purpose": project.purpose,
        "goals": project.goals,
        "target_population": project.target_population,
        "indicators": project.indicators,
        "indicator_codes": list(project.indicator_codes or []),
        "data_source": project.data_source,
        "baseline": project.baseline,
        "planned_changes": project.planned_changes,
        "pdsa_cycles": project.pdsa_cycles,
        "partners": project.partners,
        "meetings_text": project.meetings_text,
        "time_plan": project.time_plan,
        "plan_months": project.plan_months,
        "budget": project.budget,
        "questionnaires": project.questionnaires,
        "evaluation": project.evaluation,
        "revisit_date": project.revisit_date.isoformat() if project.revisit_date else None,
        "lessons_learnt": project.lessons_learnt,
    }


def project_scope(project: Project, fields: dict | None = None) -> list[Flag]:
    values = dict(fields if fields is not None else project_fields(project))
    if isinstance(values.get("revisit_date"), str):
        values["revisit_date"] = dt.date.fromisoformat(values["revisit_date"])
    values["lead_count"] = project.members.filter(is_lead=True).count() if project.pk else 0
    taken_up_on = (
        timezone.localtime(project.taken_up_meeting.starts_at).date() if project.taken_up_meeting_id else None
    )
    return scope_check(values, taken_up_on=taken_up_on)


def project_versions(*, project: Project):
    return project.versions.select_related("saved_by").order_by("-number")


def project_version_get(*, project: Project, number: int):
    return _get(project.versions.all(), "Versionen findes ikke", number=number)


def round_all_taken_up(*, cluster: Cluster) -> IdeaRound | None:
    """The latest closed round, when every project made from it has been taken up (or set aside)."""
    latest = cluster.idea_rounds.order_by("-created_at", "-id").first()
    if latest is None or latest.is_open:
        return None
    projects = list(latest.projects.values_list("status", flat=True))
    if not projects:
        return None
    done = TAKEN_UP | {ProjectStatus.PARKED, ProjectStatus.REJECTED}
    if all(s in done for s in projects) and any(s in TAKEN_UP for s in projects):
        return latest
    return None


# Rotation ------------------------------------------------------------------------------------------


def coming_cluster_meetings(*, cluster: Cluster, today: dt.date, months: int = 24) -> list[Meeting]:
    start = dt.datetime.combine(
        today + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    end = dt.datetime.combine(add_months(today, months), dt.time.max, tzinfo=timezone.get_current_timezone())
    return list(
        cluster.meetings.filter(kind=MeetingKind.CLUSTER_MEETING, starts_at__gte=start, starts_at__lte=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )


def rotation_draft(*, cluster: Cluster) -> RotationPlan | None:
    return cluster.rotation_plans.filter(status=PlanStatus.DRAFT).first()


def rotation_published(*, cluster: Cluster) -> RotationPlan | None:
    return cluster.rotation_plans.filter(status=PlanStatus.PUBLISHED).order_by("-published_at").first()


def plan_slots(plan: RotationPlan):
    return plan.slots.select_related("project", "meeting").order_by(
        "meeting__starts_at", "project__rank", "id"
    )


def plan_slot_get(*, plan: RotationPlan, slot_id: int):
    return _get(plan.slots.select_related("project", "meeting"), "Findes ikke i planen", pk=slot_id)


# Time ----------------------------------------------------------------------------------------------


@dataclass
class Load:
    person: Person
    groups: list[Project] = field(default_factory=list)
    leads: list[Project] = field(default_factory=list)
    contact_for: list[Project] = field(default_factory=list)
    board_roles: list[str] = field(default_factory=list)
    tasks: list[tuple[dt.date | None, str]] = field(default_factory=list)

    @property
    def score(self) -> int:
        """A rough count of commitments: a lead role or a board role weighs double."""
        return len(self.groups) + len(self.leads) + len(self.contact_for) + 2 * len(self.board_roles)


def _tasks_for(project: Project, *, is_lead: bool, today: dt.date) -> list[tuple[dt.date | None, str]]:
    tasks = []
    if project.status in (ProjectStatus.IDEA, ProjectStatus.DESCRIPTION):
        tasks.append((None, f"Skriv projektbeskrivelsen: {project.title}"))
    if project.status == ProjectStatus.PLANNED and project.taken_up_meeting_id:
        day = timezone.localtime(project.taken_up_meeting.starts_at).date()
        if day >= today:
            what = "Forbered og led mødet" if is_lead else "Forbered mødet"
            tasks.append((day, f"{what}: {project.title}"))
    if project.revisit_date and project.revisit_date >= today and project.status in TAKEN_UP:
        tasks.append((project.revisit_date, f"Genbesøg: {project.title}"))
    return tasks


def cluster_load(*, cluster: Cluster, today: dt.date | None = None) -> list[Load]:
    """Each current person's load in the cluster, heaviest first: in three queries."""
    today = today or timezone.localdate()
    people = core_selectors.cluster_people(cluster=cluster, day=today)
    loads = {p.pk: Load(person=p) for p in people}
    for assignment in RoleAssignment.objects.current(today).filter(cluster=cluster, role__in=BOARD_ROLES):
        if assignment.person_id in loads:
            loads[assignment.person_id].board_roles.append(Role(assignment.role).label)
    memberships = ProjectMember.objects.filter(
        project__cluster=cluster, project__status__in=list(ACTIVE)
    ).select_related("project__taken_up_meeting")
    for member in memberships:
        load = loads.get(member.person_id)
        if load is None:
            continue
        load.groups.append(member.project)
        if member.is_lead:
            load.leads.append(member.project)
        load.tasks.extend(_tasks_for(member.project, is_lead=member.is_lead, today=today))
    for project in cluster.projects.filter(status__in=list(ACTIVE), board_contact__isnull=False):
        if project.board_contact_id in loads:
            load = loads[project.board_contact_id]
            load.contact_for.append(project)
            if project.status == ProjectStatus.READY:
                load.tasks.append((None, f"Vurdér beskrivelsen til godkendelse: {project.title}"))
            if project.followup_meeting_id and not project.followup_agenda_item_id:
                load.tasks.append((project.revisit_date, f"Sæt genbesøget på dagsordenen: {project.title}"))
    for load in loads.values():
        load.tasks.sort(key=lambda t: (t[0] is None, t[0] or today))
    return sorted(loads.values(), key=lambda ld: (-ld.score, ld.person.name.lower()))


def person_load(*, cluster: Cluster, person: Person, today: dt.date | None = None) -> Load:
    for load in cluster_load(cluster=cluster, today=today):
        if load.person.pk == person.pk:
            return load
    return Load(person=person)


def open_project_memberships(*, cluster: Cluster, person: Person) -> QuerySet[ProjectMember]:
    """The person's project groups whose project is still being worked on, by title."""
    return (
        ProjectMember.objects.filter(project__cluster=cluster, person=person)
        .exclude(project__status__in=[*TAKEN_UP, ProjectStatus.REJECTED])
        .select_related("project__taken_up_meeting")
        .order_by("project__title")
    )
