"""Writes of the project pipeline. One transaction each; keyword-only arguments."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from klynge.core import dates
from klynge.core import selectors as core_selectors
from klynge.core.models import BOARD_ROLES, Cluster, Person
from klynge.core.services import ServiceError, outbox_enqueue
from klynge.core.text import counted
from klynge.core.updates import check_fields, model_update
from klynge.meetings.models import Meeting, MeetingKind, MeetingStatus
from klynge.meetings.services import agenda_item_create, agenda_item_delete, meeting_update

from . import selectors
from .models import (
    TEMPLATE_FIELDS,
    Idea,
    PlanStatus,
    Project,
    ProjectMember,
    ProjectSettings,
    ProjectStatus,
    ProjectTransition,
    ProjectVersion,
    RotationPlan,
    RotationSlot,
)
from .planning import PlanMeeting, PlanProject, propose_rotation, revisit_window

S = ProjectStatus
ALLOWED = {
    S.IDEA: {S.DESCRIPTION, S.PARKED, S.REJECTED},
    S.DESCRIPTION: {S.READY, S.PARKED, S.REJECTED},
    S.READY: {S.APPROVED, S.DESCRIPTION, S.PARKED, S.REJECTED},
    S.APPROVED: {S.PLANNED, S.DESCRIPTION, S.PARKED},
    S.PLANNED: {S.HELD, S.APPROVED, S.PARKED},
    S.HELD: {S.REVISIT_DUE, S.CLOSED},
    S.REVISIT_DUE: {S.REVISITED},
    S.REVISITED: {S.CLOSED},
    S.CLOSED: set(),
    S.PARKED: {S.DESCRIPTION},
    S.REJECTED: set(),
}
# What a group member (not on the board) may do: hand the description in for approval.
GROUP_MOVES = {(S.IDEA, S.DESCRIPTION), (S.DESCRIPTION, S.READY)}


def _is_board(person: Person | None, cluster: Cluster) -> bool:
    return person is not None and person.has_perm("projects.manage", cluster)


# Settings ------------------------------------------------------------------------------------------


SETTINGS_UPDATE_FIELDS = ("meeting_capacity", "reminder_months", "horizon_months")


@transaction.atomic
def settings_update(*, cluster: Cluster, **fields) -> ProjectSettings:
    settings, _ = ProjectSettings.objects.get_or_create(cluster=cluster)
    return model_update(instance=settings, fields=SETTINGS_UPDATE_FIELDS, data=fields)[0]


# Projects ------------------------------------------------------------------------------------------


def _check_person(cluster: Cluster, person: Person | None, field: str, *, board: bool = False) -> None:
    if person is None:
        return
    roles = core_selectors.roles_of(person, cluster)
    if board and not roles & BOARD_ROLES:
        raise ServiceError({field: f"{person.name} er ikke i klyngens bestyrelse."})
    if not board and not core_selectors.is_member(person, cluster):
        raise ServiceError({field: f"{person.name} er ikke medlem af klyngen."})


def _record(project: Project, to_status: str, by: Person | None, note: str = "") -> None:
    ProjectTransition.objects.create(
        project=project,
        from_status=project.status if project.pk else "",
        to_status=to_status,
        by=by,
        note=note,
    )


def _snapshot(project: Project, by: Person | None) -> ProjectVersion | None:
    data = selectors.project_fields(project)
    last = project.versions.order_by("-number").first()
    if last is not None and last.data == data:
        return None
    return ProjectVersion.objects.create(
        project=project, number=(last.number + 1) if last else 1, data=data, saved_by=by
    )


@transaction.atomic
def project_create(
    *,
    cluster: Cluster,
    title: str,
    lead: Person,
    board_contact: Person | None = None,
    members: list[Person] | None = None,
    idea: Idea | None = None,
    by: Person | None = None,
) -> Project:
    """A project with its group: exactly one lead, the others as members."""
    if idea is not None:
        if idea.cluster_id != cluster.pk:
            raise ServiceError("Ideen hører ikke til klyngen.")
        if Project.objects.filter(idea=idea).exists():
            raise ServiceError("Der er allerede lavet et projekt af denne idé.")
        if idea.merged_into_id:
            raise ServiceError("Ideen er lagt sammen med en anden; lav projektet af den.")
    title = (title or (idea.title if idea else "")).strip()
    if not title:
        raise ServiceError({"title": "Giv projektet en titel."})
    if lead is None:
        raise ServiceError({"lead": "Vælg en tovholder."})
    _check_person(cluster, lead, "lead")
    group = list(members or [])
    if idea is not None and members is None:
        group = [s.person for s in idea.signups.select_related("person")]
    # The lead comes from the interest group that will do the work, when there is one.
    if group and lead.pk not in {p.pk for p in group}:
        raise ServiceError({"lead": "Vælg tovholderen blandt interessegruppens medlemmer."})
    _check_person(cluster, board_contact, "board_contact", board=True)
    rank = None
    if idea is not None:
        ranking = selectors.round_ranking(round=idea.round)
        rank = next((r.position for r in ranking if r.idea_id == idea.pk), None)
    project = Project(
        cluster=cluster,
        title=title,
        idea=idea,
        round=idea.round if idea else None,
        rank=rank,
        board_contact=board_contact,
        created_by=by,
    )
    if idea is not None:
        project.background = "\n\n".join(t for t in (idea.description, idea.why_it_matters) if t)
    project.full_clean()
    project.save()
    ProjectTransition.objects.create(project=project, from_status="", to_status=S.IDEA, by=by)
    ProjectMember.objects.create(project=project, person=lead, is_lead=True)
    for person in group:
        if person.pk != lead.pk and core_selectors.is_member(person, cluster):
            ProjectMember.objects.get_or_create(project=project, person=person)
    _snapshot(project, by)
    return project


def _clean_codes(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace(";", ",").replace("\n", ",").split(",")
    return [str(v).strip().upper() for v in value or [] if str(v).strip()]


PROJECT_SAVE_FIELDS = (*TEMPLATE_FIELDS, "board_contact", "ready_from")


@transaction.atomic
def project_save(*, project: Project, by: Person, **fields) -> Project:
    """Saves the description; every change is kept as a new version."""
    if not by.has_perm("projects.edit_project", project):
        raise ServiceError("Kun projektgruppen og bestyrelsen kan rette beskrivelsen.")
    if project.status in (S.CLOSED, S.REJECTED):
        raise ServiceError("Projektet er afsluttet og kan ikke rettes.")
    check_fields(project, fields=PROJECT_SAVE_FIELDS, data=fields)
    if "indicator_codes" in fields:
        fields["indicator_codes"] = _clean_codes(fields["indicator_codes"])
    if "title" in fields and not (fields["title"] or "").strip():
        raise ServiceError({"title": "Giv projektet en titel."})
    package = fields.get("cluster_package")
    if package is not None and package.cluster_id not in (None, project.cluster_id):
        raise ServiceError({"cluster_package": "Klyngepakken hører ikke til klyngen."})
    if "board_contact" in fields:
        _check_person(project.cluster, fields["board_contact"], "board_contact", board=True)
    revisit = fields.get("revisit_date")
    if revisit and project.taken_up_meeting_id:
        low, high = revisit_window(timezone.localtime(project.taken_up_meeting.starts_at).date())
        if not low <= revisit <= high:
            raise ServiceError(
                {
                    "revisit_date": f"Genbesøget skal ligge 12-24 måneder efter mødet, "
                    f"dvs. mellem {dates.short_date(low)} og {dates.short_date(high)}."
                }
            )
    if project.taken_up_meeting_id and "revisit_date" in fields and not revisit:
        raise ServiceError({"revisit_date": "Et planlagt projekt skal have en dato for genbesøg."})
    model_update(instance=project, fields=PROJECT_SAVE_FIELDS, data=fields)
    if project.status == S.IDEA:
        _record(project, S.DESCRIPTION, by, "Beskrivelsen er påbegyndt")
        project.status = S.DESCRIPTION
        project.save(update_fields=["status"])
    _snapshot(project, by)
    return project


@transaction.atomic
def project_transition(*, project: Project, to_status: str, by: Person | None, note: str = "") -> Project:
    """Moves the project to a new state, if allowed from where it is; who and when are recorded."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to_status not in S.values:
        raise ServiceError("Ukendt status.")
    if to_status not in ALLOWED[project.status]:
        raise ServiceError(
            f"Et projekt kan ikke gå fra »{S(project.status).label}« til »{S(to_status).label}«."
        )
    if (
        by is not None
        and not _is_board(by, project.cluster)
        and (
            (project.status, to_status) not in GROUP_MOVES
            or not selectors.is_group_member(project=project, person=by)
        )
    ):
        raise ServiceError("Kun bestyrelsen kan ændre projektets status her.")
    if to_status == S.READY and not project.members.filter(is_lead=True).exists():
        raise ServiceError("Projektet skal have en tovholder, før det sendes til godkendelse.")
    if to_status == S.APPROVED:
        if not project.revisit_date:
            raise ServiceError("Sæt en dato for genbesøg, før projektet godkendes.")
        if not project.members.filter(is_lead=True).exists():
            raise ServiceError("Projektet skal have en tovholder, før det godkendes.")
    if to_status == S.APPROVED and project.status == S.PLANNED:
        project.taken_up_meeting = None
    _record(project, to_status, by, note)
    project.status = to_status
    project.save(update_fields=["status", "taken_up_meeting", "updated_at"])
    return project


@transaction.atomic
def project_member_add(*, project: Project, person: Person, by: Person | None = None) -> ProjectMember:
    """The board adds someone, or a member joins the group (within the round's group limit)."""
    _check_person(project.cluster, person, "person")
    if by is not None and by.pk != person.pk and not _is_board(by, project.cluster):
        raise ServiceError("Kun bestyrelsen kan sætte andre i en gruppe.")
    existing = project.members.filter(person=person).first()
    if existing:
        return existing
    limit = project.round.group_limit if project.round_id else None
    if limit is not None and project.members.count() >= limit and not _is_board(by, project.cluster):
        raise ServiceError(f"Gruppen er fuld ({limit} deltagere).")
    return ProjectMember.objects.create(project=project, person=person)


@transaction.atomic
def project_member_remove(*, project: Project, person: Person, by: Person | None = None) -> None:
    if by is not None and by.pk != person.pk and not _is_board(by, project.cluster):
        raise ServiceError("Kun bestyrelsen kan tage andre ud af en gruppe.")
    member = project.members.filter(person=person).first()
    if member is None:
        return
    if member.is_lead:
        raise ServiceError("Tovholderen kan ikke forlade gruppen; vælg først en ny tovholder.")
    member.delete()


@transaction.atomic
def project_set_lead(*, project: Project, person: Person, by: Person | None = None) -> ProjectMember:
    """Exactly one lead: the new lead replaces the old one, who stays in the group."""
    if by is not None and not _is_board(by, project.cluster):
        current = project.members.filter(is_lead=True, person=by).exists()
        if not current:
            raise ServiceError("Kun bestyrelsen eller tovholderen kan give rollen videre.")
    _check_person(project.cluster, person, "person")
    project.members.filter(is_lead=True).update(is_lead=False)
    member, _ = ProjectMember.objects.get_or_create(project=project, person=person)
    member.is_lead = True
    member.save(update_fields=["is_lead"])
    return member


# Rotation ------------------------------------------------------------------------------------------


def _meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def _default_revisit(project: Project, meeting: Meeting) -> dt.date:
    low, high = revisit_window(_meeting_day(meeting))
    if project.revisit_date and low <= project.revisit_date <= high:
        return project.revisit_date
    return low


@transaction.atomic
def rotation_propose(
    *, cluster: Cluster, by: Person | None = None, today: dt.date | None = None
) -> RotationPlan:
    """A new draft plan for the approved (and not yet held planned) projects; replaces any draft."""
    today = today or timezone.localdate()
    settings = selectors.settings_for(cluster=cluster)
    meetings = selectors.coming_cluster_meetings(cluster=cluster, today=today, months=settings.horizon_months)
    projects = list(
        cluster.projects.filter(status__in=[S.APPROVED, S.PLANNED]).select_related("taken_up_meeting")
    )
    projects = [
        p
        for p in projects
        if p.status == S.APPROVED or (p.taken_up_meeting and _meeting_day(p.taken_up_meeting) > today)
    ]
    proposal = propose_rotation(
        [PlanProject(p.pk, p.rank, p.ready_from, p.title) for p in projects],
        [PlanMeeting(m.pk, _meeting_day(m), settings.meeting_capacity) for m in meetings],
        today=today,
        horizon_months=settings.horizon_months,
    )
    cluster.rotation_plans.filter(status=PlanStatus.DRAFT).delete()
    by_id = {p.pk: p for p in projects}
    meeting_by_id = {m.pk: m for m in meetings}
    plan = RotationPlan.objects.create(
        cluster=cluster,
        created_by=by,
        unplaced=[
            {"project_id": pid, "title": by_id[pid].title, "reason": why} for pid, why in proposal.unplaced
        ],
    )
    for project_id, meeting_id in proposal.assignments:
        project, meeting = by_id[project_id], meeting_by_id[meeting_id]
        RotationSlot.objects.create(
            plan=plan, project=project, meeting=meeting, revisit_date=_default_revisit(project, meeting)
        )
    return plan


@transaction.atomic
def rotation_slot_move(
    *, plan: RotationPlan, slot: RotationSlot, meeting: Meeting, revisit_date: dt.date | None = None
) -> RotationSlot:
    """The board moves a project to another meeting; the meeting's capacity still holds."""
    if plan.status != PlanStatus.DRAFT:
        raise ServiceError("Kun et udkast kan ændres; lav et nyt forslag.")
    if slot.plan_id != plan.pk or meeting.cluster_id != plan.cluster_id:
        raise ServiceError("Mødet eller projektet hører ikke til planen.")
    if meeting.kind != MeetingKind.CLUSTER_MEETING or meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError({"meeting": "Vælg et klyngemøde, der ikke er aflyst."})
    capacity = selectors.settings_for(cluster=plan.cluster).meeting_capacity
    if meeting.pk != slot.meeting_id and plan.slots.filter(meeting=meeting).count() >= capacity:
        raise ServiceError(
            {"meeting": f"{meeting} har allerede {counted(capacity, 'projekt', 'projekter')} på."}
        )
    slot.meeting = meeting
    slot.revisit_date = revisit_date or _default_revisit(slot.project, meeting)
    low, high = revisit_window(_meeting_day(meeting))
    if not low <= slot.revisit_date <= high:
        raise ServiceError(
            {
                "revisit_date": f"Genbesøget skal ligge mellem {dates.short_date(low)} og {dates.short_date(high)}."
            }
        )
    slot.save(update_fields=["meeting", "revisit_date"])
    return slot


def _agenda_description(project: Project) -> str:
    parts = [f"Klyngeprojekt: {project.title}."]
    if project.purpose:
        parts.append(f"Formål: {project.purpose}")
    lead = selectors.project_lead(project)
    if lead:
        parts.append(f"Tovholder: {lead.name}.")
    return "\n\n".join(parts)


def _plan_topics(slots) -> dict[Meeting, str]:
    """Each meeting of a plan with the titles of its projects, as the meeting's topic."""
    titles: dict[Meeting, list[str]] = {}
    for slot in slots:
        titles.setdefault(slot.meeting, []).append(slot.project.title)
    return {meeting: " og ".join(sorted(names)) for meeting, names in titles.items()}


def _name_meetings_by_projects(*, before: dict[Meeting, str], after: dict[Meeting, str]) -> None:
    """A meeting the board gave no theme is named by its planned projects (»Klyngemøde 12/3 2027:
    Fluconazol i almen praksis«); a theme that only named the earlier plan's projects follows the plan."""
    earlier = {meeting.pk: topic for meeting, topic in before.items()}
    now = {meeting.pk: topic for meeting, topic in after.items()}
    for meeting in Meeting.objects.filter(pk__in={*earlier, *now}):
        topic = now.get(meeting.pk, "")
        if meeting.theme.strip() in ("", earlier.get(meeting.pk, "")) and meeting.theme != topic:
            meeting_update(meeting=meeting, theme=topic[:300], notify=False)


@transaction.atomic
def rotation_publish(*, plan: RotationPlan, by: Person | None = None) -> RotationPlan:
    """Publishes the draft: each project is planned at its meeting, which gets the agenda item."""
    plan = RotationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ServiceError("Planen er allerede offentliggjort.")
    slots = list(selectors.plan_slots(plan))
    for slot in slots:
        low, high = revisit_window(_meeting_day(slot.meeting))
        if not low <= slot.revisit_date <= high:
            raise ServiceError(f"Genbesøget for {slot.project.title} skal ligge 12-24 måneder efter mødet.")
    previous = selectors.rotation_published(cluster=plan.cluster)
    planned_now = {slot.project_id for slot in slots}
    before = _plan_topics(previous.slots.select_related("project", "meeting")) if previous else {}
    if previous is not None:
        for old in previous.slots.select_related("project", "agenda_item"):
            moved = old.project_id not in planned_now or any(
                s.project_id == old.project_id and s.meeting_id != old.meeting_id for s in slots
            )
            if moved and old.agenda_item is not None:
                agenda_item_delete(item=old.agenda_item)
            if old.project_id not in planned_now and old.project.status == S.PLANNED:
                project_transition(
                    project=old.project, to_status=S.APPROVED, by=by, note="Taget ud af planen"
                )
        previous.status = PlanStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    for slot in slots:
        project = Project.objects.get(pk=slot.project_id)
        kept = None
        if previous is not None:
            kept = previous.slots.filter(
                project=project, meeting=slot.meeting, agenda_item__isnull=False
            ).first()
        slot.agenda_item = (
            kept.agenda_item
            if kept
            else agenda_item_create(
                meeting=slot.meeting,
                title=f"Klyngeprojekt: {project.title}",
                responsible=selectors.project_lead(project),
                description=_agenda_description(project),
            )
        )
        slot.save(update_fields=["agenda_item"])
        project.taken_up_meeting = slot.meeting
        project.revisit_date = slot.revisit_date
        project.save(update_fields=["taken_up_meeting", "revisit_date", "updated_at"])
        if project.status == S.APPROVED:
            project_transition(
                project=project, to_status=S.PLANNED, by=by, note=f"Planlagt til {slot.meeting.display_name}"
            )
        _snapshot(project, by)
    _name_meetings_by_projects(before=before, after=_plan_topics(slots))
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = by
    plan.save(update_fields=["status", "published_at", "published_by"])
    return plan


# Revisits ------------------------------------------------------------------------------------------


def _first_meeting_after(cluster: Cluster, day: dt.date) -> Meeting | None:
    start = dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())
    return (
        cluster.meetings.filter(kind=MeetingKind.CLUSTER_MEETING, starts_at__gt=start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


def _board_emails(cluster: Cluster) -> list[str]:
    return sorted(
        {p.email for p in core_selectors.cluster_people(cluster=cluster, roles=BOARD_ROLES) if p.email}
    )


@transaction.atomic
def project_reminders_run(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: planned projects whose meeting has passed are marked held; some months before
    a revisit date the board is reminded once and a follow-up meeting is proposed; on the revisit
    date the project becomes »genbesøg forfalden«."""
    today = today or timezone.localdate()
    counts = {"held": 0, "reminded": 0, "due": 0, "proposed": 0}
    for project in Project.objects.filter(status=S.PLANNED, taken_up_meeting__isnull=False).select_related(
        "taken_up_meeting"
    ):
        meeting = project.taken_up_meeting
        if meeting.status == MeetingStatus.CANCELLED:
            continue  # the board plans the project again
        if meeting.status == MeetingStatus.HELD or _meeting_day(meeting) < today:
            project_transition(project=project, to_status=S.HELD, by=None, note="Mødet er holdt")
            counts["held"] += 1
    settings_by_cluster: dict[int, ProjectSettings] = {}
    candidates = Project.objects.filter(
        status__in=[S.HELD, S.REVISIT_DUE], revisit_date__isnull=False
    ).select_related("cluster")
    for project in candidates:
        cluster = project.cluster
        settings = settings_by_cluster.setdefault(cluster.pk, selectors.settings_for(cluster=cluster))
        remind_from = dates.add_months(project.revisit_date, -settings.reminder_months)
        if project.revisit_reminded_on is None and today >= remind_from:
            meeting = _first_meeting_after(cluster, project.revisit_date)
            project.followup_meeting = meeting
            project.revisit_reminded_on = today
            project.save(update_fields=["followup_meeting", "revisit_reminded_on"])
            where = (
                f"Vi foreslår at tage det op på {meeting.display_name}."
                if meeting
                else "Der er endnu intet klyngemøde efter datoen; opret et, så foreslår Klynge det."
            )
            body = (
                f"Projektet »{project.title}« skal genbesøges {dates.short_date(project.revisit_date)}.\n\n"
                f"{where}\n\nIndikatorer:\n{project.indicators or '(ingen angivet)'}\n"
                f"Koder: {', '.join(project.indicator_codes) or '–'}\n"
                f"Datakilde: {project.data_source or '–'}\n"
            )
            for email in _board_emails(cluster):
                outbox_enqueue(
                    to=email,
                    subject=f"Genbesøg af klyngeprojekt: {project.title}",
                    body=body,
                    cluster=cluster,
                )
            counts["reminded"] += 1
            counts["proposed"] += int(meeting is not None)
        elif project.revisit_reminded_on and project.followup_meeting_id is None:
            meeting = _first_meeting_after(cluster, project.revisit_date)
            if meeting is not None:
                project.followup_meeting = meeting
                project.save(update_fields=["followup_meeting"])
                counts["proposed"] += 1
        if project.status == S.HELD and today >= project.revisit_date:
            project_transition(
                project=project, to_status=S.REVISIT_DUE, by=None, note="Datoen for genbesøg er nået"
            )
            counts["due"] += 1
    return counts


@transaction.atomic
def followup_accept(*, project: Project, by: Person | None = None):
    """Puts the proposed follow-up on the meeting's agenda, carrying the project's indicators."""
    if project.followup_meeting_id is None:
        raise ServiceError("Der er intet forslag til et opfølgningsmøde.")
    if project.followup_agenda_item_id:
        return project.followup_agenda_item
    description = (
        f"Genbesøg af klyngeprojektet »{project.title}«: sammenlign data før og efter.\n\n"
        f"Indikatorer:\n{project.indicators or '(ingen angivet)'}\n\n"
        f"Koder: {', '.join(project.indicator_codes) or '–'}\n\nDatakilde: {project.data_source or '–'}\n\n"
        f"Udgangspunkt: {project.baseline or '–'}"
    )
    item = agenda_item_create(
        meeting=project.followup_meeting,
        title=f"Genbesøg: {project.title}",
        responsible=selectors.project_lead(project),
        description=description,
    )
    project.followup_agenda_item = item
    project.save(update_fields=["followup_agenda_item"])
    return item
