"""API routes of meetings, agenda, answers and attendance, under the same rules as the pages."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from klynge.core import selectors as core_selectors
from klynge.core.api import ErrorOut, IsoDateTime, StrictSchema
from klynge.core.tenancy import cluster_for

from . import selectors, services
from .models import Answer, MeetingKind

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


class MeetingAgendaItemOut(Schema):
    id: int
    position: int
    title: str
    duration_minutes: int | None
    responsible_id: int | None
    description: str
    link_url: str
    link_label: str


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


@router.post("/clusters/{slug}/meetings", response={201: ClusterMeetingOut, 400: ErrorOut, 404: ErrorOut})
def create_meeting(request, slug: str, payload: ClusterMeetingIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = services.meeting_create(cluster=cluster, by=request.user, **payload.dict())
    return Status(201, meeting)


@router.get("/clusters/{slug}/meetings/{meeting_id}", response={200: ClusterMeetingOut, 404: ErrorOut})
def get_meeting(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    return selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)


@router.get(
    "/clusters/{slug}/meetings/{meeting_id}/agenda", response={200: list[MeetingAgendaItemOut], 404: ErrorOut}
)
def get_agenda(request, slug: str, meeting_id: int):
    cluster = cluster_for(request.user, slug, "meetings.view_meetings")
    return selectors.meeting_agenda(
        meeting=selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    )


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/agenda",
    response={201: MeetingAgendaItemOut, 400: ErrorOut, 404: ErrorOut},
)
def add_agenda_item(request, slug: str, meeting_id: int, payload: MeetingAgendaItemIn):
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    data = payload.dict()
    responsible_id = data.pop("responsible_id")
    responsible = (
        core_selectors.cluster_person_get(cluster=cluster, person_id=responsible_id)
        if responsible_id
        else None
    )
    return Status(201, services.agenda_item_create(meeting=meeting, responsible=responsible, **data))


@router.post(
    "/clusters/{slug}/meetings/{meeting_id}/agenda/{item_id}/move",
    response={200: list[MeetingAgendaItemOut], 400: ErrorOut, 404: ErrorOut},
)
def move_agenda_item(request, slug: str, meeting_id: int, item_id: int, payload: AgendaItemMoveIn):
    """Moves an item to a position in one step; returns the agenda as it now reads."""
    cluster = cluster_for(request.user, slug, "meetings.manage_meetings")
    meeting = selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    services.agenda_item_move(item=item, position=payload.position)
    return selectors.meeting_agenda(meeting=meeting)


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
        raise Http404("Personen deltager ikke i mødet")
    if payload.checked_in:
        services.attendance_check_in(meeting=meeting, person=participant.person, by=request.user)
    else:
        services.attendance_check_out(meeting=meeting, person=participant.person)
    return _attendance(meeting)
