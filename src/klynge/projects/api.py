"""API routes of the project pipeline: rounds, ideas, dots, sign-ups, projects and the rotation plan."""

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema, Status

from klynge.core import selectors as core_selectors
from klynge.core.api import ErrorOut, IsoDate, StrictSchema
from klynge.core.services import ServiceError
from klynge.core.tenancy import cluster_for
from klynge.meetings.api import package_of
from klynge.meetings.selectors import cluster_meeting_get

from . import selectors, services
from .models import TEMPLATE_FIELDS
from .rounds import services as round_services

router = Router(tags=["projects"])


class InSchema(StrictSchema):
    """Input of the projects API (StrictSchema: a JSON object only, no silent type coercion)."""


class RoundOut(Schema):
    id: int
    title: str
    code: str
    status: str
    meeting_id: int | None
    dots_per_member: int
    allow_stacking: bool
    group_limit: int | None
    created_at: dt.datetime
    closed_at: dt.datetime | None


class RoundIn(InSchema):
    title: str = Field(..., min_length=1, max_length=200)
    meeting_id: int | None = None
    dots_per_member: int = Field(3, ge=1, le=20)
    allow_stacking: bool = True
    group_limit: int | None = Field(None, ge=1)


class IdeaOut(Schema):
    id: int
    title: str
    description: str
    why_it_matters: str
    dots: int = Field(..., alias="dot_count")
    voters: int = Field(..., alias="voter_count")
    signups: int = Field(..., alias="signup_count")
    my_dots: int
    signed_up: bool


class IdeaIn(InSchema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=1000)
    why_it_matters: str = Field("", max_length=1000)


class MergeIn(InSchema):
    duplicate_id: int
    keep_id: int


class RankOut(Schema):
    position: int
    idea_id: int
    title: str
    dots: int
    voters: int
    signups: int
    tie_note: str


class MemberOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    is_lead: bool


class ProjectOut(Schema):
    id: int
    title: str
    status: str
    rank: int | None
    round_id: int | None
    idea_id: int | None
    board_contact_id: int | None
    cluster_package_id: int | None
    background: str
    purpose: str
    goals: str
    target_population: str
    indicators: str
    indicator_codes: list[str]
    data_source: str
    baseline: str
    planned_changes: str
    pdsa_cycles: str
    partners: str
    meetings_text: str
    time_plan: str
    plan_months: int | None
    budget: str
    questionnaires: str
    evaluation: str
    revisit_date: dt.date | None
    lessons_learnt: str
    taken_up_meeting_id: int | None
    members: list[MemberOut]
    scope_flags: list[str] = []


class ProjectIn(InSchema):
    title: str = Field(..., min_length=1, max_length=200)
    lead_id: int
    board_contact_id: int | None = None
    idea_id: int | None = None
    member_ids: list[int] | None = None


class ProjectPatch(InSchema):
    title: str | None = None
    cluster_package_id: int | None = None
    background: str | None = None
    purpose: str | None = None
    goals: str | None = None
    target_population: str | None = None
    indicators: str | None = None
    indicator_codes: list[str] | None = None
    data_source: str | None = None
    baseline: str | None = None
    planned_changes: str | None = None
    pdsa_cycles: str | None = None
    partners: str | None = None
    meetings_text: str | None = None
    time_plan: str | None = None
    plan_months: int | None = Field(None, ge=0)
    budget: str | None = None
    questionnaires: str | None = None
    evaluation: str | None = None
    revisit_date: IsoDate | None = None
    lessons_learnt: str | None = None


class TransitionIn(InSchema):
    to_status: str
    note: str = ""


class SlotOut(Schema):
    id: int
    project_id: int
    project_title: str = Field(..., alias="project.title")
    meeting_id: int
    meeting_title: str = Field(..., alias="meeting.title")
    meeting_starts_at: dt.datetime = Field(..., alias="meeting.starts_at")
    revisit_date: dt.date


class PlanOut(Schema):
    id: int
    status: str
    published_at: dt.datetime | None
    slots: list[SlotOut]
    unplaced: list[dict]


class SlotMoveIn(InSchema):
    meeting_id: int
    revisit_date: IsoDate | None = None


def _round(request, slug, round_id, perm="projects.view"):
    cluster = cluster_for(request.user, slug, perm)
    return cluster, selectors.cluster_round_get(cluster=cluster, round_id=round_id)


def _project_out(project):
    project.scope_flags = [f.code for f in selectors.project_scope(project)]
    project.members_list = list(project.members.select_related("person"))
    return project


def _person(cluster, person_id, field):
    if person_id is None:
        return None
    try:
        person = core_selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    except Http404:
        person = None
    if person is None or not core_selectors.roles_of(person, cluster):
        raise ServiceError({field: "Personen er ikke i klyngen."})
    return person


@router.get("/clusters/{slug}/idea-rounds", response={200: list[RoundOut], 404: ErrorOut})
def list_rounds(request, slug: str):
    cluster = cluster_for(request.user, slug, "projects.view")
    return list(selectors.cluster_rounds(cluster=cluster))


@router.post("/clusters/{slug}/idea-rounds", response={201: RoundOut, 400: ErrorOut, 404: ErrorOut})
def create_round(request, slug: str, payload: RoundIn):
    cluster = cluster_for(request.user, slug, "projects.manage")
    meeting = (
        cluster_meeting_get(cluster=cluster, meeting_id=payload.meeting_id) if payload.meeting_id else None
    )
    data = payload.dict(exclude={"meeting_id"})
    return Status(201, round_services.round_create(cluster=cluster, meeting=meeting, by=request.user, **data))


@router.get("/clusters/{slug}/idea-rounds/{round_id}", response={200: RoundOut, 404: ErrorOut})
def get_round(request, slug: str, round_id: int):
    return _round(request, slug, round_id)[1]


@router.post(
    "/clusters/{slug}/idea-rounds/{round_id}/close",
    response={200: list[RankOut], 400: ErrorOut, 404: ErrorOut},
)
def close_round(request, slug: str, round_id: int):
    _, round = _round(request, slug, round_id, "projects.manage")
    round = round_services.round_close(round=round, by=request.user)
    return selectors.round_ranking(round=round)


@router.get("/clusters/{slug}/idea-rounds/{round_id}/ranking", response={200: list[RankOut], 404: ErrorOut})
def round_ranking(request, slug: str, round_id: int):
    _, round = _round(request, slug, round_id)
    return selectors.round_ranking(round=round)


@router.get("/clusters/{slug}/idea-rounds/{round_id}/ideas", response={200: list[IdeaOut], 404: ErrorOut})
def list_ideas(request, slug: str, round_id: int):
    _, round = _round(request, slug, round_id)
    return selectors.round_ideas(round=round, person=request.user)


@router.post(
    "/clusters/{slug}/idea-rounds/{round_id}/ideas", response={201: IdeaOut, 400: ErrorOut, 404: ErrorOut}
)
def create_idea(request, slug: str, round_id: int, payload: IdeaIn):
    _, round = _round(request, slug, round_id, "projects.participate")
    idea = round_services.idea_submit(round=round, person=request.user, **payload.dict())
    return Status(
        201, next(i for i in selectors.round_ideas(round=round, person=request.user) if i.pk == idea.pk)
    )


@router.post(
    "/clusters/{slug}/idea-rounds/{round_id}/merge", response={200: IdeaOut, 400: ErrorOut, 404: ErrorOut}
)
def merge_ideas(request, slug: str, round_id: int, payload: MergeIn):
    _, round = _round(request, slug, round_id, "projects.manage")
    duplicate = selectors.round_idea_get(round=round, idea_id=payload.duplicate_id)
    keep = selectors.round_idea_get(round=round, idea_id=payload.keep_id)
    round_services.idea_merge(round=round, duplicate=duplicate, keep=keep, by=request.user)
    return next(i for i in selectors.round_ideas(round=round, person=request.user) if i.pk == keep.pk)


def _idea_call(request, slug, round_id, idea_id, action):
    _, round = _round(request, slug, round_id, "projects.participate")
    idea = selectors.round_idea_get(round=round, idea_id=idea_id)
    action(round=round, idea=idea, person=request.user)
    return next(i for i in selectors.round_ideas(round=round, person=request.user) if i.pk == idea.pk)


@router.post(
    "/clusters/{slug}/idea-rounds/{round_id}/ideas/{idea_id}/dots",
    response={201: IdeaOut, 400: ErrorOut, 404: ErrorOut},
)
def add_dot(request, slug: str, round_id: int, idea_id: int):
    return Status(201, _idea_call(request, slug, round_id, idea_id, round_services.dot_add))


@router.delete(
    "/clusters/{slug}/idea-rounds/{round_id}/ideas/{idea_id}/dots",
    response={200: IdeaOut, 400: ErrorOut, 404: ErrorOut},
)
def remove_dot(request, slug: str, round_id: int, idea_id: int):
    return _idea_call(request, slug, round_id, idea_id, round_services.dot_remove)


@router.post(
    "/clusters/{slug}/idea-rounds/{round_id}/ideas/{idea_id}/signup",
    response={201: IdeaOut, 400: ErrorOut, 404: ErrorOut},
)
def add_signup(request, slug: str, round_id: int, idea_id: int):
    return Status(201, _idea_call(request, slug, round_id, idea_id, round_services.signup_add))


@router.delete(
    "/clusters/{slug}/idea-rounds/{round_id}/ideas/{idea_id}/signup",
    response={200: IdeaOut, 400: ErrorOut, 404: ErrorOut},
)
def remove_signup(request, slug: str, round_id: int, idea_id: int):
    return _idea_call(request, slug, round_id, idea_id, round_services.signup_remove)


class _ProjectResponse(ProjectOut):
    members: list[MemberOut] = Field(..., alias="members_list")


@router.get("/clusters/{slug}/projects", response={200: list[_ProjectResponse], 404: ErrorOut})
def list_projects(request, slug: str):
    cluster = cluster_for(request.user, slug, "projects.view")
    return [_project_out(p) for p in selectors.cluster_projects(cluster=cluster)]


@router.post("/clusters/{slug}/projects", response={201: _ProjectResponse, 400: ErrorOut, 404: ErrorOut})
def create_project(request, slug: str, payload: ProjectIn):
    cluster = cluster_for(request.user, slug, "projects.manage")
    idea = selectors.cluster_idea_get(cluster=cluster, idea_id=payload.idea_id) if payload.idea_id else None
    members = (
        [_person(cluster, pid, "member_ids") for pid in payload.member_ids]
        if payload.member_ids is not None
        else None
    )
    project = services.project_create(
        cluster=cluster,
        title=payload.title,
        lead=_person(cluster, payload.lead_id, "lead_id"),
        board_contact=_person(cluster, payload.board_contact_id, "board_contact_id"),
        members=members,
        idea=idea,
        by=request.user,
    )
    return Status(201, _project_out(project))


@router.get("/clusters/{slug}/projects/{project_id}", response={200: _ProjectResponse, 404: ErrorOut})
def get_project(request, slug: str, project_id: int):
    cluster = cluster_for(request.user, slug, "projects.view")
    return _project_out(selectors.cluster_project_get(cluster=cluster, project_id=project_id))


@router.patch(
    "/clusters/{slug}/projects/{project_id}",
    response={200: _ProjectResponse, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def update_project(request, slug: str, project_id: int, payload: ProjectPatch):
    cluster = cluster_for(request.user, slug, "projects.view")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    if not request.user.has_perm("projects.edit_project", project):
        return Status(403, {"detail": "Kun projektgruppen og bestyrelsen kan rette beskrivelsen."})
    data = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in data.items() if k in TEMPLATE_FIELDS}
    if "cluster_package_id" in data:
        fields["cluster_package"] = package_of(
            cluster, data["cluster_package_id"], field="cluster_package_id"
        )
    project = services.project_save(project=project, by=request.user, **fields)
    return _project_out(project)


@router.post(
    "/clusters/{slug}/projects/{project_id}/transitions",
    response={200: _ProjectResponse, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def transition_project(request, slug: str, project_id: int, payload: TransitionIn):
    cluster = cluster_for(request.user, slug, "projects.view")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    if not request.user.has_perm("projects.edit_project", project):
        return Status(403, {"detail": "Kun projektgruppen og bestyrelsen kan ændre status."})
    project = services.project_transition(
        project=project, to_status=payload.to_status, by=request.user, note=payload.note
    )
    return _project_out(project)


def _plan_out(plan):
    if plan is None:
        return None
    plan.slots_list = list(selectors.plan_slots(plan))
    return plan


class _PlanResponse(PlanOut):
    slots: list[SlotOut] = Field(..., alias="slots_list")


@router.get("/clusters/{slug}/rotation", response={200: _PlanResponse, 404: ErrorOut})
def get_rotation(request, slug: str):
    """The published plan (the board may add ?draft=1 to see its draft)."""
    cluster = cluster_for(request.user, slug, "projects.view")
    plan = None
    if request.GET.get("draft") and request.user.has_perm("projects.manage", cluster):
        plan = selectors.rotation_draft(cluster=cluster)
    else:
        plan = selectors.rotation_published(cluster=cluster)
    if plan is None:
        return Status(404, {"detail": "Der er ingen plan."})
    return _plan_out(plan)


@router.post("/clusters/{slug}/rotation/propose", response={201: _PlanResponse, 404: ErrorOut})
def propose_rotation(request, slug: str):
    cluster = cluster_for(request.user, slug, "projects.manage")
    return Status(201, _plan_out(services.rotation_propose(cluster=cluster, by=request.user)))


@router.post(
    "/clusters/{slug}/rotation/slots/{slot_id}", response={200: _PlanResponse, 400: ErrorOut, 404: ErrorOut}
)
def move_slot(request, slug: str, slot_id: int, payload: SlotMoveIn):
    cluster = cluster_for(request.user, slug, "projects.manage")
    plan = selectors.rotation_draft(cluster=cluster)
    if plan is None:
        return Status(404, {"detail": "Der er intet udkast."})
    slot = selectors.plan_slot_get(plan=plan, slot_id=slot_id)
    meeting = cluster_meeting_get(cluster=cluster, meeting_id=payload.meeting_id)
    services.rotation_slot_move(plan=plan, slot=slot, meeting=meeting, revisit_date=payload.revisit_date)
    return _plan_out(plan)


@router.post("/clusters/{slug}/rotation/publish", response={200: _PlanResponse, 400: ErrorOut, 404: ErrorOut})
def publish_rotation(request, slug: str):
    cluster = cluster_for(request.user, slug, "projects.manage")
    plan = selectors.rotation_draft(cluster=cluster)
    if plan is None:
        return Status(404, {"detail": "Der er intet udkast."})
    return _plan_out(services.rotation_publish(plan=plan, by=request.user))


# The scope check of unsaved text, the group, follow-ups and the cluster's project settings --------------


class FlagOut(Schema):
    code: str
    title: str
    reason: str
    fix: str


@router.post(
    "/clusters/{slug}/projects/{project_id}/scope-check",
    response={200: list[FlagOut], 403: ErrorOut, 404: ErrorOut, 400: ErrorOut},
    summary="Tjek en beskrivelse, før den gemmes: for stor, diffus eller uden målbare mål?",
)
def scope_check(request, slug: str, project_id: int, payload: ProjectPatch):
    cluster = cluster_for(request.user, slug, "projects.view")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    if not request.user.has_perm("projects.edit_project", project):
        return Status(403, {"detail": "Kun projektgruppen og bestyrelsen kan rette beskrivelsen."})
    fields = selectors.project_fields(project)
    fields.update(
        {k: v for k, v in payload.dict(exclude_unset=True).items() if k in fields and v is not None}
    )
    return selectors.project_scope(project, fields)


class GroupIn(InSchema):
    person_id: int
    action: str = Field(..., pattern="^(add|lead|remove)$", description="'add', 'lead' eller 'remove'")


@router.post(
    "/clusters/{slug}/projects/{project_id}/members",
    response={200: _ProjectResponse, 400: ErrorOut, 404: ErrorOut},
    summary="Bestyrelsen sætter en person i gruppen, gør personen til tovholder eller tager personen ud",
)
def change_group(request, slug: str, project_id: int, payload: GroupIn):
    cluster = cluster_for(request.user, slug, "projects.manage")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    person = _person(cluster, payload.person_id, "person_id")
    action = {
        "add": services.project_member_add,
        "lead": services.project_set_lead,
        "remove": services.project_member_remove,
    }[payload.action]
    action(project=project, person=person, by=request.user)
    return _project_out(selectors.cluster_project_get(cluster=cluster, project_id=project_id))


@router.post(
    "/clusters/{slug}/projects/{project_id}/join",
    response={200: _ProjectResponse, 400: ErrorOut, 404: ErrorOut},
    summary="Meld dig selv ind i projektgruppen",
)
def join_group(request, slug: str, project_id: int):
    cluster = cluster_for(request.user, slug, "projects.participate")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    services.project_member_add(project=project, person=request.user, by=request.user)
    return _project_out(selectors.cluster_project_get(cluster=cluster, project_id=project_id))


@router.delete(
    "/clusters/{slug}/projects/{project_id}/join",
    response={200: _ProjectResponse, 400: ErrorOut, 404: ErrorOut},
    summary="Forlad projektgruppen",
)
def leave_group(request, slug: str, project_id: int):
    cluster = cluster_for(request.user, slug, "projects.participate")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    services.project_member_remove(project=project, person=request.user, by=request.user)
    return _project_out(selectors.cluster_project_get(cluster=cluster, project_id=project_id))


class FollowUpOut(Schema):
    agenda_item_id: int
    meeting_id: int


@router.post(
    "/clusters/{slug}/projects/{project_id}/follow-up/accept",
    response={200: FollowUpOut, 400: ErrorOut, 404: ErrorOut},
    summary="Sæt det foreslåede genbesøg på mødets dagsorden",
)
def accept_follow_up(request, slug: str, project_id: int):
    cluster = cluster_for(request.user, slug, "projects.manage")
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    item = services.followup_accept(project=project, by=request.user)
    return {"agenda_item_id": item.pk, "meeting_id": item.meeting_id}


class ProjectSettingsOut(Schema):
    meeting_capacity: int
    reminder_months: int
    horizon_months: int


class ProjectSettingsIn(InSchema):
    meeting_capacity: int | None = Field(None, ge=0, le=20)
    reminder_months: int | None = Field(None, ge=0, le=60)
    horizon_months: int | None = Field(None, ge=1, le=120)


@router.get("/clusters/{slug}/project-settings", response={200: ProjectSettingsOut, 404: ErrorOut})
def get_project_settings(request, slug: str):
    cluster = cluster_for(request.user, slug, "projects.manage")
    return selectors.settings_for(cluster=cluster)


@router.patch(
    "/clusters/{slug}/project-settings", response={200: ProjectSettingsOut, 400: ErrorOut, 404: ErrorOut}
)
def update_project_settings(request, slug: str, payload: ProjectSettingsIn):
    cluster = cluster_for(request.user, slug, "projects.manage")
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.settings_update(cluster=cluster, **fields)
