"""API routes for motions, polls, casting a vote, results and decisions (same rules as the pages)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from klynge.core.api import ErrorOut, IsoDate, IsoDateTime, StrictSchema, patch_fields
from klynge.core.models import Majority
from klynge.core.selectors import cluster_person_get
from klynge.core.services import ServiceError
from klynge.core.tenancy import cluster_for
from klynge.meetings.selectors import cluster_agenda_item, cluster_meeting_get

from . import selectors, services
from .models import AppliesIf, CharterKind, PollKind, PollStatus

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
    text: str = Field(..., min_length=1, max_length=50_000)
    by_board: bool = Field(False, description="Bestyrelsens eget forslag (kun bestyrelsen; uden frist)")


class OptionOut(Schema):
    id: int
    label: str


class EffectOut(Schema):
    kind: str
    applies_if: str = Field(..., description="'adopted' eller 'rejected'")
    practice_id: int | None = None
    ends_on: dt.date | None = None
    until_next_general_assembly: bool = False
    charter_kind: str | None = None
    text: str | None = None
    open_data: bool | None = None
    reason: str = ""


class PollOut(Schema):
    id: int
    question: str
    description: str
    kind: str
    secret: bool
    majority: str
    status: str
    meeting_id: int | None
    agenda_item_id: int | None
    motion_id: int | None
    closes_at: dt.datetime | None
    seats: int
    alternates: int
    electorate_size: int | None
    options: list[OptionOut]
    effect: EffectOut | None
    is_confidence_vote: bool
    recorded_afterwards: bool
    recorded_by_id: int | None
    recorded_at: dt.datetime | None

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())

    @staticmethod
    def resolve_effect(obj):
        effect = obj.effect or {}
        return {**effect, "applies_if": obj.applies_if} if effect.get("kind") else None


class EffectIn(StrictSchema):
    kind: str = Field("", description="'', 'suspend', 'charter' eller 'open_data'")
    applies_if: AppliesIf = Field(
        AppliesIf.ADOPTED,
        strict=False,
        description="'adopted': når forslaget vedtages; 'rejected': når det forkastes (flere nej end ja), "
        "fx »Er der tillid til ...?«",
    )
    practice_id: int | None = None
    ends_on: IsoDate | None = None
    until_next_general_assembly: bool = False
    charter_kind: str | None = Field(None, description="'values' eller 'statutes'")
    text: str | None = Field(None, max_length=100_000)
    open_data: bool | None = None
    reason: str = Field("", max_length=2000)


class PollIn(StrictSchema):
    question: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=20_000)
    kind: str = Field("yes_no", description="'yes_no', 'single' eller 'multi'")
    options: list[str] = Field(default_factory=list, description="Valgmuligheder (ikke ved yes_no)")
    seats: int = Field(1, ge=1, le=100)
    alternates: int = Field(0, ge=0, le=100)
    secret: bool = False
    majority: str = Field("", description="'simple', 'absolute', 'two_thirds'; tom = vedtægternes")
    meeting_id: int | None = None
    agenda_item_id: int | None = Field(
        None, description="Punktet på mødets dagsorden; beslutningen skrives i dets referat"
    )
    motion_id: int | None = None
    closes_at: IsoDateTime | None = None
    effect: EffectIn | None = None


class CloseIn(StrictSchema):
    casting_vote: str = Field("", max_length=64, description="Formandens afgørende stemme ved stemmelighed")


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
    number: int | None = Field(..., description="Nummeret i klyngens protokol for året")
    reference: str = Field(..., description="Fx »Beslutning nr. 2 af 11/3 2025«")
    decided_on: dt.date
    meeting_id: int | None
    poll_id: int | None
    question: str
    result: str
    adopted: bool
    outcome: str = Field(..., alias="outcome_label", description="»Vedtaget«, »Der var ikke tillid« ...")
    effect: str
    effect_applied: bool
    secret: bool
    recorded_afterwards: bool


@router.get("/clusters/{slug}/motions", response={200: list[MotionOut], 404: ErrorOut})
def list_motions(request, slug: str):
    cluster = cluster_for(request.user, slug, "decisions.view")
    return list(selectors.cluster_motions(cluster=cluster))


@router.post("/clusters/{slug}/motions", response={201: MotionOut, 400: ErrorOut, 404: ErrorOut})
def create_motion(request, slug: str, payload: MotionIn):
    cluster = cluster_for(request.user, slug, "decisions.submit_motion")
    meeting = cluster_meeting_get(cluster=cluster, meeting_id=payload.meeting_id)
    motion = services.motion_create(
        cluster=cluster,
        meeting=meeting,
        title=payload.title,
        text=payload.text,
        submitter=request.user,
        by_board=payload.by_board and request.user.has_perm("decisions.manage", cluster),
    )
    return Status(201, motion)


def _visible_poll(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    if not request.user.has_perm("decisions.view_poll", poll):
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


def _links(cluster, data: dict) -> dict:
    """meeting_id, agenda_item_id and motion_id of the cluster as objects (404 for another cluster's)."""
    links = {}
    if "meeting_id" in data:
        meeting_id = data.pop("meeting_id")
        links["meeting"] = cluster_meeting_get(cluster=cluster, meeting_id=meeting_id) if meeting_id else None
    if "agenda_item_id" in data:
        item_id = data.pop("agenda_item_id")
        links["agenda_item"] = None
        if item_id:
            links["agenda_item"] = cluster_agenda_item(cluster=cluster, item_id=item_id)
            if links["agenda_item"] is None:
                raise Http404("Punktet findes ikke")
    if "motion_id" in data:
        motion_id = data.pop("motion_id")
        links["motion"] = (
            selectors.cluster_motion_get(cluster=cluster, motion_id=motion_id) if motion_id else None
        )
    return links


def _check_choices(data: dict) -> None:
    if "kind" in data and data["kind"] not in PollKind.values:
        raise ServiceError({"kind": "Ukendt type afstemning."})
    if data.get("majority") and data["majority"] not in Majority.values:
        raise ServiceError({"majority": "Ukendt flertalsregel."})


@router.post("/clusters/{slug}/polls", response={201: PollOut, 400: ErrorOut, 404: ErrorOut})
def create_poll(request, slug: str, payload: PollIn):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    data = payload.dict(exclude={"effect"})
    _check_choices(data)
    links = _links(cluster, data)
    effect = payload.effect.dict() if payload.effect else None
    poll = services.poll_create(cluster=cluster, effect=effect, by=request.user, **links, **data)
    return Status(201, poll)


class PollPatch(StrictSchema):
    question: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=20_000)
    kind: str | None = None
    options: list[str] | None = None
    seats: int | None = Field(None, ge=1, le=100)
    alternates: int | None = Field(None, ge=0, le=100)
    secret: bool | None = None
    majority: str | None = None
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    motion_id: int | None = None
    closes_at: IsoDateTime | None = None
    effect: EffectIn | None = None


@router.patch("/clusters/{slug}/polls/{poll_id}", response={200: PollOut, 400: ErrorOut, 404: ErrorOut})
def update_poll(request, slug: str, poll_id: int, payload: PollPatch):
    """Changes a draft; question, options, rules and electorate are frozen once the poll opens."""
    cluster = cluster_for(request.user, slug, "decisions.manage")
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    data = patch_fields(
        payload,
        required=("question", "kind", "seats", "alternates", "secret", "majority"),
        blank=("description",),
    )
    effect = data.pop("effect", None)
    options = data.pop("options", None)
    _check_choices(data)
    data.update(_links(cluster, data))
    return services.poll_update(
        poll=poll, options=options, effect=payload.effect.dict() if effect is not None else None, **data
    )


class ProxyIn(StrictSchema):
    giver_id: int = Field(..., description="Fuldmagtsgiveren, der ikke kan være til stede")
    holder_id: int = Field(..., description="Fuldmagtshaveren, der stemmer på giverens vegne")


class ProxyOut(Schema):
    id: int
    giver_id: int
    holder_id: int
    meeting_id: int | None
    poll_id: int | None


@router.post(
    "/clusters/{slug}/polls/{poll_id}/proxies",
    response={201: ProxyOut, 400: ErrorOut, 404: ErrorOut},
    summary="Registrér en fuldmagt, før afstemningen åbner",
)
def add_proxy(request, slug: str, poll_id: int, payload: ProxyIn):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    giver, holder = (
        _cluster_person(cluster, person_id, field)
        for person_id, field in ((payload.giver_id, "giver"), (payload.holder_id, "holder"))
    )
    # Whether each has a vote in the poll is proxy_register's to say.
    return Status(201, services.proxy_register(poll=poll, giver=giver, holder=holder, by=request.user))


def _cluster_person(cluster, person_id: int, field: str):
    try:
        return cluster_person_get(cluster=cluster, person_id=person_id)
    except Http404:
        raise ServiceError({field: "Personen findes ikke i klyngen."})


class RecordedPollIn(PollIn):
    counts: dict[str, int] = Field(
        ...,
        description="Stemmetallene, som de var: ja/nej {'yes': 11, 'no': 6, 'abstain': 1}; ellers "
        "valgmulighed → stemmer",
    )
    decided_on: IsoDate | None = Field(None, description="Datoen for en online-afstemning (uden møde)")
    blank: int = Field(0, ge=0, le=100_000)
    turnout: int | None = Field(
        None, ge=0, le=100_000, description="Antal stemmesedler (skal angives ved valg)"
    )
    proxies: int = Field(0, ge=0, le=100_000, description="Stemmer afgivet ved fuldmagt på mødet")
    casting_vote: str = Field("", max_length=64, description="Formandens afgørende stemme ved stemmelighed")


@router.post(
    "/clusters/{slug}/recorded-polls",
    response={201: DecisionOut, 400: ErrorOut, 404: ErrorOut},
    summary="Registrér en afstemning, der er holdt, med stemmetallene som de var",
)
def record_poll(request, slug: str, payload: RecordedPollIn):
    """The rules apply as of the day of the vote (who had a vote, who was checked in, who was on hold);
    the poll is marked as recorded afterwards, by whom and when. No ballots are stored."""
    cluster = cluster_for(request.user, slug, "decisions.manage")
    data = payload.dict(exclude={"effect", "closes_at"})
    _check_choices(data)
    links = _links(cluster, data)
    effect = payload.effect.dict() if payload.effect else None
    return Status(201, services.poll_record(cluster=cluster, effect=effect, by=request.user, **links, **data))


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
    # Who may vote is asked by vote_cast (decisions/rules.py): a refusal is a 400 with the reason.
    cluster = cluster_for(request.user, slug, "decisions.view")
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
    if not request.user.has_perm("decisions.view_result", poll):
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


@router.get("/clusters/{slug}/decisions/{decision_id}", response={200: DecisionOut, 404: ErrorOut})
def get_decision(request, slug: str, decision_id: int):
    cluster = cluster_for(request.user, slug, "decisions.view")
    decision = selectors.cluster_decision_get(cluster=cluster, decision_id=decision_id)
    if decision.poll and not request.user.has_perm("decisions.view_result", decision.poll):
        raise Http404("Beslutningen findes ikke")
    return decision


# Motions on the agenda, their attachments ------------------------------------------------------------


class MotionAttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


@router.post(
    "/clusters/{slug}/motions/{motion_id}/agenda",
    response={200: MotionOut, 400: ErrorOut, 404: ErrorOut},
    summary="Sæt forslaget på generalforsamlingens dagsorden",
)
def motion_to_agenda(request, slug: str, motion_id: int):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    motion = selectors.cluster_motion_get(cluster=cluster, motion_id=motion_id)
    return services.motion_place_on_agenda(motion=motion, by=request.user)


@router.post(
    "/clusters/{slug}/motions/{motion_id}/attachments",
    response={201: MotionAttachmentOut, 400: ErrorOut, 404: ErrorOut},
    summary="Vedhæft en fil til forslaget (forslagsstilleren eller bestyrelsen)",
)
def add_motion_attachment(request, slug: str, motion_id: int, file: File[UploadedFile]):
    cluster = cluster_for(request.user, slug, "decisions.submit_motion")
    motion = selectors.cluster_motion_get(cluster=cluster, motion_id=motion_id)
    if motion.submitter_id != request.user.pk and not request.user.has_perm("decisions.manage", cluster):
        raise Http404("Forslaget findes ikke")
    attachment = services.motion_attachment_add(motion=motion, name=file.name or "", content=file.read())
    return Status(201, attachment)


# Charter documents -------------------------------------------------------------------------------------


class CharterVersionOut(Schema):
    kind: str
    number: int
    text: str
    adopted_on: dt.date
    decision_id: int | None


class CharterIn(StrictSchema):
    kind: CharterKind = Field(..., strict=False, description="'values' eller 'statutes'")
    text: str = Field(..., min_length=1, max_length=200_000)
    adopted_on: IsoDate


@router.get(
    "/clusters/{slug}/charters/{kind}",
    response={200: list[CharterVersionOut], 404: ErrorOut},
    summary="Alle versioner af værdier, regler og mål ('values') eller vedtægterne ('statutes')",
)
def list_charter_versions(request, slug: str, kind: str):
    cluster = cluster_for(request.user, slug, "decisions.view")
    if kind not in CharterKind.values:
        raise Http404("Ukendt dokument")
    return list(selectors.charter_versions(cluster=cluster, kind=kind))


@router.post(
    "/clusters/{slug}/charters",
    response={201: CharterVersionOut, 400: ErrorOut, 404: ErrorOut},
    summary="Registrér en tidligere vedtaget version (nye vedtages ved en afstemning)",
)
def add_charter_version(request, slug: str, payload: CharterIn):
    cluster = cluster_for(request.user, slug, "decisions.manage")
    return Status(201, services.charter_adopt(cluster=cluster, **payload.dict()))
