"""API routes for motions, polls, casting a vote, results and decisions (same rules as the pages)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema, Status

from klynge.core.api import ErrorOut, IsoDate, IsoDateTime, StrictSchema
from klynge.core.tenancy import cluster_for
from klynge.meetings.selectors import cluster_meeting_get

from . import selectors, services
from .models import PollStatus

router = Router(tags=["decisions"])


class MotionOut(Schema):
    id: int
    meeting_id: int
    title: str
    text: str
    by_board: bool
    submitter_id: int | None
    status: str
    received_at: dt.datetime


class MotionIn(StrictSchema):
    meeting_id: int
    title: str = Field(..., min_length=1, max_length=200)
    text: str = Field(..., min_length=1)


class OptionOut(Schema):
    id: int
    label: str


class PollOut(Schema):
    id: int
    question: str
    kind: str
    secret: bool
    majority: str
    status: str
    meeting_id: int | None
    closes_at: dt.datetime | None
    seats: int
    alternates: int
    electorate_size: int | None
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())


class EffectIn(StrictSchema):
    kind: str = Field("", description="'', 'suspend', 'charter' eller 'open_data'")
    practice_id: int | None = None
    ends_on: IsoDate | None = None
    until_next_general_assembly: bool = False
    charter_kind: str | None = Field(None, description="'values' eller 'statutes'")
    text: str | None = None
    open_data: bool | None = None
    reason: str = ""


class PollIn(StrictSchema):
    question: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    kind: str = Field("yes_no", description="'yes_no', 'single' eller 'multi'")
    options: list[str] = Field(default_factory=list, description="Valgmuligheder (ikke ved yes_no)")
    seats: int = Field(1, ge=1)
    alternates: int = Field(0, ge=0)
    secret: bool = False
    majority: str = Field("", description="'simple', 'absolute', 'two_thirds'; tom = vedtægternes")
    meeting_id: int | None = None
    closes_at: IsoDateTime | None = None
    effect: EffectIn | None = None


class CloseIn(StrictSchema):
    casting_vote: str = Field("", description="Formandens afgørende stemme ved stemmelighed")


class VoteIn(StrictSchema):
    option_ids: list[int] = Field(default_factory=list, description="Valgte muligheder; tom = blank")
    on_behalf_of: int | None = Field(None, description="Person-id ved fuldmagt")


class VoteOut(Schema):
    counted: bool
    turnout: int


class ResultOut(Schema):
    poll_id: int
    status: str
    turnout: int
    electorate: int | None
    adopted: bool
    result: str
    counts: dict[str, int]
    share: str | None = Field(None, description="Andel for, som brøk (fx 7/13)")
    elected: list[str]
    alternates: list[str]


class DecisionOut(Schema):
    id: int
    decided_on: dt.date
    meeting_id: int | None
    poll_id: int | None
    question: str
    result: str
    adopted: bool
    effect: str


@router.get("/clusters/{slug}/motions", response={200: list[MotionOut], 404: ErrorOut})
def list_motions(request, slug: str):
    cluster = cluster_for(request.user, slug, "decisions.view")
    return list(selectors.cluster_motions(cluster=cluster))


@router.post("/clusters/{slug}/motions", response={201: MotionOut, 400: ErrorOut, 404: ErrorOut})
def create_motion(request, slug: str, payload: MotionIn):
    cluster = cluster_for(request.user, slug, "decisions.submit_motion")
    meeting = cluster_meeting_get(cluster=cluster, meeting_id=payload.meeting_id)
    motion = services.motion_create(
        cluster=cluster, meeting=meeting, title=payload.title, text=payload.text, submitter=request.user
    )
    return Status(201, motion)


def _visible_poll(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    if poll.status == PollStatus.DRAFT and not request.user.has_perm("decisions.manage", cluster):
        raise Http404("Afstemningen findes ikke")
    return poll


@router.get("/clusters/{slug}/polls", response={200: list[PollOut], 404: ErrorOut})
def list_polls(request, slug: str):
    cluster = cluster_for(request.user, slug, "decisions.view")
    polls = selectors.cluster_polls(cluster=cluster).prefetch_related("options")
    if not request.user.has_perm("decisions.manage", cluster):
        polls = polls.exclude(status=PollStatus.DRAFT)
    return list(polls)


@router.get("/clusters/{slug}/polls/{poll_id}", response={200: PollOut, 404: ErrorOut})
def get_poll(request, slug: str, poll_id: int):
    cluster = cluster_for(request.user, slug, "decisions.view")
    return _visible_poll(request, cluster, poll_id)


@router.post("/clusters/{slug}/polls", response={201: PollOut, 400: ErrorOut, 404: ErrorOut})
def create_poll(request, slug: str, payload: PollIn):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    meeting = None
    if payload.meeting_id is not None:
        meeting = cluster_meeting_get(cluster=cluster, meeting_id=payload.meeting_id)
    data = payload.dict(exclude={"meeting_id", "effect"})
    effect = payload.effect.dict() if payload.effect else None
    poll = services.poll_create(cluster=cluster, meeting=meeting, effect=effect, by=request.user, **data)
    return Status(201, poll)


@router.post("/clusters/{slug}/polls/{poll_id}/open", response={200: PollOut, 400: ErrorOut, 404: ErrorOut})
def open_poll(request, slug: str, poll_id: int):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    return services.poll_open(
        poll=selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id), by=request.user
    )


@router.post(
    "/clusters/{slug}/polls/{poll_id}/close", response={200: DecisionOut, 400: ErrorOut, 404: ErrorOut}
)
def close_poll(request, slug: str, poll_id: int, payload: CloseIn):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    return services.poll_close(poll=poll, by=request.user, casting_vote=payload.casting_vote)


@router.post(
    "/clusters/{slug}/polls/{poll_id}/publish", response={200: PollOut, 400: ErrorOut, 404: ErrorOut}
)
def publish_poll(request, slug: str, poll_id: int):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    return services.poll_publish(poll=selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id))


@router.post("/clusters/{slug}/polls/{poll_id}/votes", response={201: VoteOut, 400: ErrorOut, 404: ErrorOut})
def cast_vote(request, slug: str, poll_id: int, payload: VoteIn):
    cluster = cluster_for(request.user, slug, "decisions.vote")
    poll = _visible_poll(request, cluster, poll_id)
    on_behalf_of = None
    if payload.on_behalf_of is not None and payload.on_behalf_of != request.user.pk:
        on_behalf_of = next(
            (
                v["person"]
                for v in selectors.my_votes(poll=poll, person=request.user)
                if v["person"].pk == payload.on_behalf_of
            ),
            None,
        )
        if on_behalf_of is None:
            return Status(400, {"detail": "Du har ikke fuldmagt fra denne person."})
    services.vote_cast(
        poll=poll, person=request.user, option_ids=payload.option_ids, on_behalf_of=on_behalf_of
    )
    return Status(201, {"counted": True, "turnout": selectors.turnout_count(poll)})


@router.get(
    "/clusters/{slug}/polls/{poll_id}/result", response={200: ResultOut, 404: ErrorOut, 409: ErrorOut}
)
def poll_result(request, slug: str, poll_id: int):
    cluster = cluster_for(request.user, slug, "decisions.view")
    poll = _visible_poll(request, cluster, poll_id)
    visible = poll.status == PollStatus.PUBLISHED or (
        poll.status == PollStatus.CLOSED and request.user.has_perm("decisions.manage", cluster)
    )
    if not visible:
        return Status(409, {"detail": "Resultatet er ikke offentliggjort endnu."})
    decision = poll.decision
    counts = decision.counts
    return {
        "poll_id": poll.pk,
        "status": poll.status,
        "turnout": counts.get("turnout", 0),
        "electorate": counts.get("electorate"),
        "adopted": decision.adopted,
        "result": decision.result,
        "counts": counts.get("counts", {}),
        "share": counts.get("share"),
        "elected": counts.get("elected") or [],
        "alternates": counts.get("alternates") or [],
    }


@router.get("/clusters/{slug}/decisions", response={200: list[DecisionOut], 404: ErrorOut})
def list_decisions(request, slug: str):
    cluster = cluster_for(request.user, slug, "decisions.view")
    manage = request.user.has_perm("decisions.manage", cluster)
    return list(selectors.cluster_decisions(cluster=cluster, published_only=not manage))
