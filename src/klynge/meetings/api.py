"""API routes of meetings, agenda, answers and attendance, under the same rules as the pages."""

import datetime as dt

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from klynge.core import dates
from klynge.core import selectors as core_selectors
from klynge.core.api import ErrorOut, IsoDate, IsoDateTime, StrictSchema, patch_fields
from klynge.core.services import ServiceError, site_link
from klynge.core.tenancy import cluster_for

from . import selectors, services
from .models import (
    Answer,
    DocumentCategory,
    GuestRole,
    MeetingKind,
    MeetingStatus,
    NoteKind,
    PackageSource,
)

router = Router(tags=["meetings"])


class ClusterMeetingOut(Schema):
    id: int
    kind: str
    title: str
    display_name: str = Field(
        ..., description="What and when, as the pages name it: »Klyngemøde 12/3 2026: Antibiotika«"
    )
    theme: str
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    venue_name: str
    venue_address: str
    status: str
    description: str
    package_id: int | None
    is_public: bool
    reminder_days_before: int
    minutes_approved_at: dt.datetime | None
    uid: str
    sequence: int

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)


class ClusterMeetingIn(StrictSchema):
    kind: MeetingKind = Field(..., strict=False)
    title: str = Field(..., max_length=200)
    theme: str = Field("", max_length=300)
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    venue_name: str = Field("", max_length=200)
    venue_address: str = Field("", max_length=300)
    description: str = Field("", max_length=20000)
    status: MeetingStatus = Field(
        MeetingStatus.PLANNED, strict=False, description="'held' for et møde, der allerede er holdt"
    )
    package_id: int | None = Field(None, description="Klyngepakken, mødet bygger på")
    is_public: bool = False
    reminder_days_before: int = Field(7, ge=0, le=365)
    with_template: bool = Field(True, description="Generalforsamlingens standarddagsorden")


class MeetingPatch(StrictSchema):
    kind: MeetingKind | None = Field(None, strict=False)
    title: str | None = Field(None, min_length=1, max_length=200)
    theme: str | None = Field(None, max_length=300)
    starts_at: IsoDateTime | None = None
    ends_at: IsoDateTime | None = None
    venue_name: str | None = Field(None, max_length=200)
    venue_address: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20000)
    status: MeetingStatus | None = Field(None, strict=False)
    package_id: int | None = None
    is_public: bool | None = None
    reminder_days_before: int | None = Field(None, ge=0, le=365)


class MeetingAgendaItemOut(Schema):
    id: int
    position: int
    title: str
    duration_minutes: int | None
    responsible_id: int | None
    description: str
    link_url: str
    link_label: str
    poll_ids: list[int] = Field(..., description="Afstemninger knyttet til punktet")

    @staticmethod
    def resolve_poll_ids(obj):
        return sorted(poll.pk for poll in obj.polls.all())


class MeetingAgendaItemIn(StrictSchema):
    title: str = Field(..., max_length=300)
    duration_minutes: int | None = Field(None, ge=0, le=10000)
    responsible_id: int | None = None
    description: str = Field("", max_length=20000)
    link_url: str = Field("", max_length=500)
    link_label: str = Field("", max_length=200)
    position: int | None = Field(None, ge=1, le=1000)


class AgendaItemMoveIn(StrictSchema):
    position: int = Field(..., ge=1, le=1000, description="The item's new number; 1 is first")


class InvitationAnswerIn(StrictSchema):
    answer: Answer = Field(..., strict=False)


class InvitationAnswerOut(Schema):
    person_id: int
    answer: str
    answered_at: dt.datetime | None


class AttendanceRowOut(Schema):
    person_id: int
    name: str
    practice: str
    provider_number: str
    is_guest: bool
    checked_in: bool


class AttendanceCheckIn(StrictSchema):
    person_id: int
    checked_in: bool = True


def _attendance(meeting):
    return [
        {
            "person_id": p.person.pk,
            "name": p.person.name,
            "practice": p.person.practice.name if p.person.practice else "",
            "provider_number": p.person.practice.provider_number if p.person.practice else "",
            "is_guest": p.is_guest,
            "checked_in": p.checked_in,
        }
        for p in selectors.meeting_participants(meeting=meeting)
    ]


@router.get("/clusters/{slug}/meetings", response={200: list[ClusterMeetingOut], 404: ErrorOut})
def list_meetings(request, slug: str, year: int | None = Query(None, ge=1900, le=2200)):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    return selectors.cluster_meetings(cluster=cluster, year=year)


def package_of(cluster, package_id, *, field: str = "package_id"):
    """The cluster's package by the id a body names (None for null); another cluster's is refused on
    `field` as if it did not exist."""
    if package_id is None:
        return None
    try:
        return selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    except Http404:
        raise ServiceError({field: "Klyngepakken findes ikke i klyngen."})


@router.post("/clusters/{slug}/meetings", response={201: ClusterMeetingOut, 400: ErrorOut, 404: ErrorOut})
def create_meeting(request, slug: str, payload: ClusterMeetingIn):
    """A meeting to come, or one already held (status 'held') recorded with its real dates."""
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    data = payload.dict(exclude={"package_id"})
    meeting = services.meeting_create(
        cluster=cluster, by=request.user, package=package_of(cluster, payload.package_id), **data
    )
    return Status(201, meeting)


@router.patch(
    "/clusters/{slug}/meetings/{meeting_id}", response={200: ClusterMeetingOut, 400: ErrorOut, 404: ErrorOut}
)
def update_meeting(request, slug: str, meeting_id: int, payload: MeetingPatch):
    """Changes a meeting; invitees get an updated calendar entry when its time or place changes."""
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    fields = patch_fields(
        payload,
        required=("kind", "title", "starts_at", "ends_at", "venue_name", "status", "is_public"),
        blank={"theme": "", "venue_address": "", "description": "", "reminder_days_before": 0},
    )
    if "package_id" in fields:
        fields["package"] = package_of(cluster, fields.pop("package_id"))
    services.meeting_update(meeting=meeting, by=request.user, **fields)
    return selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/cancel",
    response={200: ClusterMeetingOut, 400: ErrorOut, 404: ErrorOut},
    summary="Aflys mødet; de inviterede får en aflysning til kalenderen",
)
def cancel_meeting(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    return services.meeting_cancel(meeting=meeting, by=request.user)


class InviteOut(Schema):
    invited: list[int]
    already: list[int]
    left_out: list[int] = Field(..., description="Ikke inviteret: praksis på hold eller udtrådt")


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/invitations",
    response={201: InviteOut, 400: ErrorOut, 404: ErrorOut},
    summary="Send invitationer til alle aktive medlemmer og mødets gæster",
)
def invite(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    result = services.meeting_invite_all(meeting=meeting, by=request.user)
    return Status(
        201,
        {
            "invited": [p.pk for p in result.invited],
            "already": [p.pk for p in result.already],
            "left_out": [p.pk for p in result.left_out],
        },
    )


class PlanEntryIn(StrictSchema):
    kind: MeetingKind = Field(..., strict=False)
    title: str = Field("", max_length=200, description="Tom: mødetypens navn")
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    venue_name: str = Field(..., max_length=200)
    venue_address: str = Field("", max_length=300)
    theme: str = Field("", max_length=300)


class YearPlanIn(StrictSchema):
    entries: list[PlanEntryIn] = Field(..., min_length=1, max_length=50)


@router.post(
    "/clusters/{slug}/year-plan",
    response={201: list[ClusterMeetingOut], 400: ErrorOut, 404: ErrorOut},
    summary="Sæt næste års besluttede datoer og steder i årsplanen i ét hug",
)
def create_year_plan(request, slug: str, payload: YearPlanIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    entries = []
    for entry in payload.entries:
        data = entry.dict()
        data["title"] = (data["title"] or "").strip() or MeetingKind(data["kind"]).label
        data["with_template"] = data["kind"] == MeetingKind.GENERAL_ASSEMBLY
        entries.append(data)
    return Status(201, services.next_year_plan_create(cluster=cluster, entries=entries, by=request.user))


@router.get("/clusters/{slug}/meetings/{meeting_id}", response={200: ClusterMeetingOut, 404: ErrorOut})
def get_meeting(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    return selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)


@router.get(
    "/clusters/{slug}/meetings/{meeting_id}/agenda", response={200: list[MeetingAgendaItemOut], 404: ErrorOut}
)
def get_agenda(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    return _agenda(selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id))


def _agenda(meeting):
    items = selectors.meeting_agenda(meeting=meeting)
    prefetch_related_objects(items, "polls")
    return items


def _agenda_item_out(meeting, item_id: int):
    """One item as the agenda lists it (with its responsible person and polls), read fresh."""
    return meeting.agenda_items.select_related("responsible").prefetch_related("polls").get(pk=item_id)


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/agenda",
    response={201: MeetingAgendaItemOut, 400: ErrorOut, 404: ErrorOut},
)
def add_agenda_item(request, slug: str, meeting_id: int, payload: MeetingAgendaItemIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    data = payload.dict()
    responsible = _responsible(cluster, data.pop("responsible_id"), meeting)
    item = services.agenda_item_create(meeting=meeting, responsible=responsible, **data)
    return Status(201, _agenda_item_out(meeting, item.pk))


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/agenda/{item_id}/move",
    response={200: list[MeetingAgendaItemOut], 400: ErrorOut, 404: ErrorOut},
    summary="Flyt et punkt til en plads på dagsordenen i ét trin",
)
def move_agenda_item(request, slug: str, meeting_id: int, item_id: int, payload: AgendaItemMoveIn):
    """Moves an item to a position in one step; returns the agenda as it now reads."""
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting, item = _item(cluster, meeting_id, item_id)
    services.agenda_item_move(item=item, position=payload.position)
    return _agenda(meeting)


@router.get(
    "/clusters/{slug}/meetings/{meeting_id}/answers", response={200: list[InvitationAnswerOut], 404: ErrorOut}
)
def list_answers(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    return selectors.meeting_invitations(
        meeting=selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    )


@router.put(
    "/clusters/{slug}/meetings/{meeting_id}/answer",
    response={200: InvitationAnswerOut, 400: ErrorOut, 404: ErrorOut},
)
def answer(request, slug: str, meeting_id: int, payload: InvitationAnswerIn):
    """The caller's own answer to their invitation."""
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    invitation = selectors.invitation_for(meeting=meeting, person=request.user)
    if invitation is None:
        raise Http404("Du er ikke inviteret")
    return services.invitation_answer(invitation=invitation, answer=payload.answer)


@router.get(
    "/clusters/{slug}/meetings/{meeting_id}/attendance", response={200: list[AttendanceRowOut], 404: ErrorOut}
)
def list_attendance(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    return _attendance(selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id))


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/attendance",
    response={200: list[AttendanceRowOut], 400: ErrorOut, 404: ErrorOut},
)
def check_in(request, slug: str, meeting_id: int, payload: AttendanceCheckIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    participant = next(
        (p for p in selectors.meeting_participants(meeting=meeting) if p.person.pk == payload.person_id), None
    )
    if participant is None:
        raise ServiceError(
            {
                "person_id": f"Personen var hverken medlem af klyngen med en aktiv praksis eller gæst ved "
                f"mødet den {dates.short_date(meeting.starts_at)}. Registrér rollen med den rigtige startdato."
            }
        )
    if payload.checked_in:
        services.attendance_check_in(meeting=meeting, person=participant.person, by=request.user)
    else:
        services.attendance_check_out(meeting=meeting, person=participant.person)
    return _attendance(meeting)


# Agenda, proposals and minutes -----------------------------------------------------------------------


class AgendaItemPatch(StrictSchema):
    title: str | None = Field(None, min_length=1, max_length=300)
    duration_minutes: int | None = Field(None, ge=0, le=10000)
    responsible_id: int | None = None
    description: str | None = Field(None, max_length=20000)
    link_url: str | None = Field(None, max_length=500)
    link_label: str | None = Field(None, max_length=200)


class ProposalIn(StrictSchema):
    title: str = Field(..., min_length=1, max_length=250)
    description: str = Field(..., min_length=1, max_length=20000)


class MinutesItemOut(Schema):
    id: int
    position: int
    title: str
    minutes: str
    decisions: str


class MinutesOut(Schema):
    approved_at: dt.datetime | None
    approved_by_id: int | None
    items: list[MinutesItemOut]


class MinutesIn(StrictSchema):
    minutes: str = Field("", max_length=100_000, description="Referatet (Markdown)")
    decisions: str = Field("", max_length=20_000)


def _item(cluster, meeting_id, item_id):
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    return meeting, selectors.agenda_item_get(meeting=meeting, item_id=item_id)


def _responsible(cluster, person_id, meeting=None):
    """A person of the cluster, or a guest of the meeting (a facilitator or speaker leads an item)."""
    if not person_id:
        return None
    if meeting is not None:
        guest = meeting.guests.filter(person_id=person_id).select_related("person").first()
        if guest is not None:
            return guest.person
    return core_selectors.cluster_person_get(cluster=cluster, person_id=person_id)


@router.patch(
    "/clusters/{slug}/meetings/{meeting_id}/agenda/{item_id}",
    response={200: MeetingAgendaItemOut, 400: ErrorOut, 404: ErrorOut},
)
def update_agenda_item(request, slug: str, meeting_id: int, item_id: int, payload: AgendaItemPatch):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting, item = _item(cluster, meeting_id, item_id)
    fields = patch_fields(
        payload, required={"title": "Skriv punktets titel."}, blank=("description", "link_url", "link_label")
    )
    if "responsible_id" in fields:
        fields["responsible"] = _responsible(cluster, fields.pop("responsible_id"), meeting)
    services.agenda_item_update(item=item, **fields)
    return _agenda_item_out(meeting, item.pk)


@router.delete(
    "/clusters/{slug}/meetings/{meeting_id}/agenda/{item_id}",
    response={200: list[MeetingAgendaItemOut], 400: ErrorOut, 404: ErrorOut},
)
def delete_agenda_item(request, slug: str, meeting_id: int, item_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting, item = _item(cluster, meeting_id, item_id)
    services.agenda_item_delete(item=item)
    return _agenda(meeting)


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/agenda-template",
    response={200: list[MeetingAgendaItemOut], 400: ErrorOut, 404: ErrorOut},
    summary="Tilføj generalforsamlingens standardpunkter, der mangler",
)
def apply_agenda_template(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    services.agenda_apply_general_assembly_template(meeting=meeting)
    return _agenda(meeting)


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/proposals",
    response={201: MeetingAgendaItemOut, 400: ErrorOut, 404: ErrorOut},
    summary="Et medlems forslag på generalforsamlingens dagsorden (inden fristen)",
)
def add_proposal(request, slug: str, meeting_id: int, payload: ProposalIn):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    if meeting.kind != MeetingKind.GENERAL_ASSEMBLY:
        raise Http404("Forslag sendes til en generalforsamling")
    item = services.agenda_proposal_add(meeting=meeting, responsible=request.user, **payload.dict())
    return Status(201, _agenda_item_out(meeting, item.pk))


def _minutes(meeting):
    return {
        "approved_at": meeting.minutes_approved_at,
        "approved_by_id": meeting.minutes_approved_by_id,
        "items": selectors.meeting_agenda(meeting=meeting),
    }


@router.get("/clusters/{slug}/meetings/{meeting_id}/minutes", response={200: MinutesOut, 404: ErrorOut})
def get_minutes(request, slug: str, meeting_id: int):
    """The board reads the minutes at once; members when they are approved."""
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    if not request.user.has_perm("meetings.read_minutes", meeting):
        raise Http404("Referatet er ikke godkendt endnu")
    return _minutes(meeting)


@router.put(
    "/clusters/{slug}/meetings/{meeting_id}/agenda/{item_id}/minutes",
    response={200: MinutesItemOut, 400: ErrorOut, 404: ErrorOut},
)
def write_minutes(request, slug: str, meeting_id: int, item_id: int, payload: MinutesIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    _, item = _item(cluster, meeting_id, item_id)
    return services.minutes_write(item=item, **payload.dict())


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/minutes/approve",
    response={200: MinutesOut, 400: ErrorOut, 404: ErrorOut},
)
def approve_minutes(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    return _minutes(services.minutes_approve(meeting=meeting, by=request.user))


# Notes (e.g. wishes for the next retreat) and guests -------------------------------------------------


class NoteOut(Schema):
    id: int
    kind: str
    text: str
    created_by_id: int | None
    created_at: dt.datetime


class NoteIn(StrictSchema):
    text: str = Field(..., min_length=1, max_length=500)
    kind: NoteKind = Field(NoteKind.RETREAT_WISH, strict=False, description="'retreat_wish' eller 'note'")


@router.get("/clusters/{slug}/meetings/{meeting_id}/notes", response={200: list[NoteOut], 404: ErrorOut})
def list_notes(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    return selectors.meeting_notes(meeting=meeting)


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/notes", response={201: NoteOut, 400: ErrorOut, 404: ErrorOut}
)
def add_note(request, slug: str, meeting_id: int, payload: NoteIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    return Status(201, services.meeting_note_add(meeting=meeting, by=request.user, **payload.dict()))


class GuestOut(Schema):
    id: int
    person_id: int
    name: str = Field(..., alias="person.name")
    email: str = Field(..., alias="person.email")
    organisation: str
    role: str


class GuestIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    organisation: str = Field("", max_length=200)
    role: GuestRole = Field(GuestRole.OTHER, strict=False)


@router.get("/clusters/{slug}/meetings/{meeting_id}/guests", response={200: list[GuestOut], 404: ErrorOut})
def list_guests(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    return selectors.meeting_guests(
        meeting=selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    )


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/guests",
    response={201: GuestOut, 400: ErrorOut, 404: ErrorOut},
    summary="Tilføj en gæst, der kun ser dette møde",
)
def add_guest(request, slug: str, meeting_id: int, payload: GuestIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    return Status(201, services.guest_add(meeting=meeting, by=request.user, **payload.dict()))


@router.delete(
    "/clusters/{slug}/meetings/{meeting_id}/guests/{guest_id}",
    response={200: list[GuestOut], 400: ErrorOut, 404: ErrorOut},
)
def remove_guest(request, slug: str, meeting_id: int, guest_id: int):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    guest = meeting.guests.filter(pk=guest_id).first()
    if guest is None:
        raise Http404("Gæsten findes ikke")
    services.guest_remove(guest=guest)
    return selectors.meeting_guests(meeting=meeting)


# Cluster packages and the document library ---------------------------------------------------------------


class PackageOut(Schema):
    id: int
    national: bool = Field(..., alias="is_national")
    title: str
    source: str
    focus: str
    data_basis: str
    background: str
    recommendations: str
    discussion_questions: str
    ordered_on: dt.date | None
    follow_up_of_id: int | None
    attachments: list[str] = Field(..., description="Bilagenes titler")

    @staticmethod
    def resolve_attachments(obj):
        return [a.title for a in obj.attachments.all()]


class PackageIn(StrictSchema):
    title: str = Field(..., min_length=1, max_length=200)
    source: PackageSource = Field(PackageSource.CLUSTER, strict=False)
    focus: str = Field("", max_length=20000)
    data_basis: str = Field("", max_length=20000)
    background: str = Field("", max_length=20000)
    recommendations: str = Field("", max_length=20000)
    discussion_questions: str = Field("", max_length=20000)
    ordered_on: IsoDate | None = None
    national: bool = Field(False, description="National pakke (kun platformens personale)")


class PackagePatch(StrictSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    source: PackageSource | None = Field(None, strict=False)
    focus: str | None = Field(None, max_length=20000)
    data_basis: str | None = Field(None, max_length=20000)
    background: str | None = Field(None, max_length=20000)
    recommendations: str | None = Field(None, max_length=20000)
    discussion_questions: str | None = Field(None, max_length=20000)
    ordered_on: IsoDate | None = None


class FollowUpIn(StrictSchema):
    ordered_on: IsoDate


def _editable_package(request, cluster, package_id):
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    if not request.user.has_perm("meetings.edit_package", package):
        raise Http404("Pakken kan ikke rettes her")
    return package


@router.get("/clusters/{slug}/packages", response={200: list[PackageOut], 404: ErrorOut})
def list_packages(request, slug: str, q: str = Query("", max_length=200)):
    cluster = cluster_for(request.user, slug, "meetings.view_library")
    return list(selectors.cluster_packages(cluster=cluster, query=q).prefetch_related("attachments"))


@router.get("/clusters/{slug}/packages/{package_id}", response={200: PackageOut, 404: ErrorOut})
def get_package(request, slug: str, package_id: int):
    cluster = cluster_for(request.user, slug, "meetings.view_library")
    return selectors.cluster_package_get(cluster=cluster, package_id=package_id)


@router.post("/clusters/{slug}/packages", response={201: PackageOut, 400: ErrorOut, 404: ErrorOut})
def create_package(request, slug: str, payload: PackageIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_library")
    data = payload.dict()
    national = data.pop("national")
    if national and not request.user.has_perm("meetings.manage_national_packages", cluster):
        raise Http404("Kun platformens personale vedligeholder de nationale pakker")
    package = services.package_create(cluster=None if national else cluster, by=request.user, **data)
    return Status(201, package)


@router.patch(
    "/clusters/{slug}/packages/{package_id}", response={200: PackageOut, 400: ErrorOut, 404: ErrorOut}
)
def update_package(request, slug: str, package_id: int, payload: PackagePatch):
    cluster = cluster_for(request.user, slug, "meetings.manage_library")
    package = _editable_package(request, cluster, package_id)
    fields = patch_fields(
        payload,
        required={"title": "Giv pakken en titel.", "source": "Vælg en kilde."},
        blank=services.PACKAGE_TEXT_FIELDS,
    )
    return services.package_update(package=package, **fields)


@router.post(
    "/clusters/{slug}/packages/{package_id}/follow-up",
    response={201: PackageOut, 400: ErrorOut, 404: ErrorOut},
    summary="Bestil pakken igen som opfølgning",
)
def order_follow_up(request, slug: str, package_id: int, payload: FollowUpIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_library")
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    follow_up = services.package_follow_up_order(
        cluster=cluster, package=package, ordered_on=payload.ordered_on, by=request.user
    )
    return Status(201, follow_up)


@router.post(
    "/clusters/{slug}/packages/{package_id}/attachments",
    response={201: PackageOut, 400: ErrorOut, 404: ErrorOut},
    summary="Læg et bilag (slides, data) på pakken",
)
def add_package_attachment(
    request, slug: str, package_id: int, file: File[UploadedFile], title: Form[str] = ""
):
    cluster = cluster_for(request.user, slug, "meetings.manage_library")
    package = _editable_package(request, cluster, package_id)
    services.package_attachment_add(package=package, title=title[:200], upload=file, by=request.user)
    return Status(201, selectors.cluster_package_get(cluster=cluster, package_id=package_id))


class DocumentVersionOut(Schema):
    number: int
    filename: str
    note: str
    uploaded_at: dt.datetime


class DocumentOut(Schema):
    id: int
    title: str
    category: str
    description: str
    versions: list[DocumentVersionOut]

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.all())


@router.get("/clusters/{slug}/documents", response={200: list[DocumentOut], 404: ErrorOut})
def list_documents(request, slug: str, q: str = Query("", max_length=200)):
    cluster = cluster_for(request.user, slug, "meetings.view_library")
    return list(selectors.cluster_documents(cluster=cluster, query=q))


@router.post(
    "/clusters/{slug}/documents",
    response={201: DocumentOut, 400: ErrorOut, 404: ErrorOut},
    summary="Læg et dokument i klyngens bibliotek",
)
def create_document(
    request,
    slug: str,
    file: File[UploadedFile],
    title: Form[str] = "",
    category: Form[str] = DocumentCategory.OTHER,
    description: Form[str] = "",
):
    cluster = cluster_for(request.user, slug, "meetings.manage_library")
    document = services.document_create(
        cluster=cluster,
        title=title[:200],
        category=category,
        description=description,
        upload=file,
        by=request.user,
    )
    return Status(201, document)


@router.post(
    "/clusters/{slug}/documents/{document_id}/versions",
    response={201: DocumentOut, 400: ErrorOut, 404: ErrorOut},
)
def add_document_version(
    request, slug: str, document_id: int, file: File[UploadedFile], note: Form[str] = ""
):
    cluster = cluster_for(request.user, slug, "meetings.manage_library")
    document = selectors.cluster_document_get(cluster=cluster, document_id=document_id)
    services.document_version_add(document=document, upload=file, note=note[:300], by=request.user)
    return Status(201, selectors.cluster_document_get(cluster=cluster, document_id=document_id))


# The caller's private calendar feed ------------------------------------------------------------------


class CalendarFeedOut(Schema):
    url: str = Field(..., description="Abonnér på adressen i din kalender; den gamle holder op med at virke")


@router.post(
    "/me/calendar-feed", response={201: CalendarFeedOut, 400: ErrorOut}, summary="Ny privat kalenderadresse"
)
def create_calendar_feed(request):
    feed = services.calendar_feed_create(person=request.user)
    return Status(201, {"url": site_link(reverse("meetings:public_person_feed", args=[feed.token]))})


class RevokedOut(Schema):
    revoked: int


@router.delete(
    "/me/calendar-feed", response={200: RevokedOut, 400: ErrorOut}, summary="Tilbagekald kalenderadressen"
)
def revoke_calendar_feed(request):
    return {"revoked": services.calendar_feed_revoke(person=request.user)}
