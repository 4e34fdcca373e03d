"""Writes of the decisions capability. One transaction each; keyword-only arguments."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections import Counter

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, FilteredRelation, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from klynge.core import dates, secrecy
from klynge.core import services as core_services
from klynge.core.models import Cluster, Majority, MembershipPeriod, MembershipStatus, Person
from klynge.core.prepared import Prepared
from klynge.core.services import ServiceError
from klynge.core.text import counted
from klynge.core.updates import check_fields, model_update
from klynge.meetings import services as meeting_services
from klynge.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingStatus
from klynge.meetings.selectors import meeting_checked_in, next_general_assembly

from . import results
from .models import (
    ALLOWED_ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    AppliesIf,
    Ballot,
    BallotChoice,
    BallotCount,
    CharterKind,
    CharterVersion,
    Decision,
    EffectKind,
    Entitlement,
    Motion,
    MotionAttachment,
    MotionStatus,
    Poll,
    PollKind,
    PollOption,
    PollStatus,
    Proxy,
    Turnout,
)
from .rules import voters_of

YES_NO_OPTIONS = [("yes", "Ja"), ("no", "Nej"), ("abstain", "Undlader")]


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# Motions -------------------------------------------------------------------------------------------


SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
}


def _check_attachment(name: str, content: bytes) -> tuple[str, str]:
    """(safe file name, content type); refuses unknown types, files whose content does not match their
    type, empty files and files over the limit."""
    name = get_valid_filename(os.path.basename(name or "")) or "bilag"
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ALLOWED_ATTACHMENT_TYPES))
        raise ServiceError(
            {"attachments": f"»{name}« har en filtype, der ikke kan vedhæftes (tilladt: {allowed})."}
        )
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ServiceError(
            {
                "attachments": f"»{name}« fylder for meget; højst {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB pr. fil."
            }
        )
    if not content:
        raise ServiceError({"attachments": f"»{name}« er tom."})
    signatures = SIGNATURES.get(extension)
    if signatures is not None and not content.startswith(signatures):
        raise ServiceError({"attachments": f"»{name}« er ikke en rigtig {extension[1:].upper()}-fil."})
    if signatures is None and b"\x00" in content[:4096]:
        raise ServiceError({"attachments": f"»{name}« er ikke en tekstfil."})
    return name, ALLOWED_ATTACHMENT_TYPES[extension]


@transaction.atomic
def motion_create(
    *,
    cluster: Cluster,
    meeting: Meeting,
    title: str,
    text: str,
    submitter: Person | None,
    by_board: bool = False,
    attachments: list[tuple[str, bytes]] | None = None,
    now: dt.datetime | None = None,
) -> Motion:
    """A member's proposal for a general assembly, received before the deadline; the board may add its
    own later (as the board's proposal)."""
    now = now or timezone.now()
    if meeting.cluster_id != cluster.pk or meeting.kind != MeetingKind.GENERAL_ASSEMBLY:
        raise ServiceError({"meeting": "Forslag stilles til en af klyngens generalforsamlinger."})
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError({"meeting": "Generalforsamlingen er aflyst."})
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ServiceError({"title": "Skriv en overskrift."})
    if not text:
        raise ServiceError({"text": "Skriv forslaget."})
    if not by_board and now > meeting_services.proposal_deadline(meeting):
        raise ServiceError(meeting_services.proposal_deadline_passed(meeting))
    checked = [(*_check_attachment(name, content), content) for name, content in attachments or []]
    motion = Motion.objects.create(
        cluster=cluster,
        meeting=meeting,
        submitter=submitter,
        by_board=by_board,
        title=title,
        text=text,
        received_at=now,
    )
    for name, content_type, content in checked:
        attachment = MotionAttachment(
            motion=motion, filename=name[:200], content_type=content_type, size=len(content)
        )
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
    return motion


@transaction.atomic
def motion_attachment_add(*, motion: Motion, name: str, content: bytes) -> MotionAttachment:
    """One more attachment to a motion (the API sends files one by one); not to a withdrawn motion."""
    if motion.status == MotionStatus.WITHDRAWN:
        raise ServiceError("Forslaget er trukket tilbage.")
    name, content_type = _check_attachment(name, content)
    attachment = MotionAttachment(
        motion=motion, filename=name[:200], content_type=content_type, size=len(content)
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def motion_place_on_agenda(*, motion: Motion, by: Person | None = None) -> Motion:
    """Puts the motion on its general assembly's agenda (once)."""
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if motion.status == MotionStatus.ON_AGENDA:
        raise ServiceError("Forslaget er allerede på dagsordenen.")
    if motion.status == MotionStatus.WITHDRAWN:
        raise ServiceError("Forslaget er trukket tilbage.")
    submitter = (
        "bestyrelsen" if motion.by_board else (motion.submitter.name if motion.submitter else "et medlem")
    )
    common = {
        "meeting": motion.meeting,
        "title": motion.title,
        "description": f"Forslag fra {submitter}.\n\n{motion.text}",
        "responsible": None if motion.by_board else motion.submitter,
        "link_url": reverse("decisions:motion_detail", args=[motion.cluster.slug, motion.pk]),
        "link_label": "Forslaget med bilag",
    }
    if motion.by_board:
        # The board may add its own proposals after the members' deadline.
        common["title"] = f"Forslag: {motion.title}"
        item = meeting_services.agenda_item_create(**common)
    else:
        # The deadline is judged by when the motion was received, not when the board places it.
        item = meeting_services.agenda_proposal_add(**common, now=motion.received_at)
    motion.agenda_item = item
    motion.status = MotionStatus.ON_AGENDA
    motion.save(update_fields=["agenda_item", "status"])
    return motion


@transaction.atomic
def motion_withdraw(*, motion: Motion) -> Motion:
    motion.status = MotionStatus.WITHDRAWN
    motion.save(update_fields=["status"])
    return motion


# Polls ---------------------------------------------------------------------------------------------


def _clean_effect(cluster: Cluster, effect: dict | None) -> dict:
    effect = dict(effect or {})
    kind = effect.get("kind") or ""
    if kind not in EffectKind.values:
        raise ServiceError({"effect_kind": "Ukendt virkning."})
    applies_if = effect.get("applies_if") or AppliesIf.ADOPTED
    if applies_if not in AppliesIf.values:
        raise ServiceError(
            {"effect_applies_if": "Vælg, om virkningen gælder, når forslaget vedtages eller forkastes."}
        )
    cleaned = _clean_effect_kind(cluster, kind, effect)
    if cleaned:
        cleaned["applies_if"] = applies_if
    return cleaned


def _clean_effect_kind(cluster: Cluster, kind: str, effect: dict) -> dict:
    if kind == EffectKind.SUSPEND:
        practice_id = effect.get("practice_id")
        if not practice_id or not cluster.memberships.filter(practice_id=practice_id).exists():
            raise ServiceError({"effect_practice": "Vælg en praksis i klyngen."})
        ends_on = effect.get("ends_on")
        if not ends_on and not effect.get("until_next_general_assembly"):
            raise ServiceError({"effect_ends_on": "Vælg en slutdato eller »til næste generalforsamling«."})
        if isinstance(ends_on, dt.date):
            effect["ends_on"] = ends_on.isoformat()
        return {
            "kind": kind,
            "practice_id": int(practice_id),
            "ends_on": effect.get("ends_on") or None,
            "until_next_general_assembly": bool(effect.get("until_next_general_assembly")) and not ends_on,
            "reason": effect.get("reason", ""),
        }
    if kind == EffectKind.CHARTER:
        if effect.get("charter_kind") not in CharterKind.values:
            raise ServiceError({"effect_charter_kind": "Vælg dokumentet."})
        if not (effect.get("text") or "").strip():
            raise ServiceError({"effect_text": "Skriv den nye tekst."})
        return {"kind": kind, "charter_kind": effect["charter_kind"], "text": effect["text"].strip()}
    if kind == EffectKind.OPEN_DATA:
        return {"kind": kind, "open_data": bool(effect.get("open_data")), "reason": effect.get("reason", "")}
    return {}


def _set_options(poll: Poll, options: list[str] | None) -> None:
    poll.options.all().delete()
    if poll.kind == PollKind.YES_NO:
        rows = [
            PollOption(poll=poll, label=label, code=code, position=i)
            for i, (code, label) in enumerate(YES_NO_OPTIONS)
        ]
    else:
        labels = [o.strip() for o in options or [] if o and o.strip()]
        if len(labels) < 2:
            raise ServiceError({"options": "Skriv mindst to valgmuligheder, én pr. linje."})
        if len(set(labels)) != len(labels):
            raise ServiceError({"options": "Den samme valgmulighed står to gange."})
        if poll.kind == PollKind.MULTI and poll.seats >= len(labels) + 1:
            raise ServiceError({"seats": "Der skal være flere kandidater end pladser, eller lige så mange."})
        rows = [PollOption(poll=poll, label=label[:200], position=i) for i, label in enumerate(labels)]
    PollOption.objects.bulk_create(rows)


def _validate_poll(poll: Poll) -> None:
    if not poll.question.strip():
        raise ServiceError({"question": "Skriv spørgsmålet."})
    if poll.kind not in PollKind.values:
        raise ServiceError({"kind": "Ukendt type afstemning."})
    if poll.majority not in Majority.values:
        raise ServiceError({"majority": "Ukendt flertalsregel."})
    if poll.kind == PollKind.MULTI and poll.seats < 1:
        raise ServiceError({"seats": "Der skal vælges mindst én."})
    if poll.meeting is not None and poll.meeting.cluster_id != poll.cluster_id:
        raise ServiceError({"meeting": "Mødet hører ikke til klyngen."})
    if poll.agenda_item is not None and poll.agenda_item.meeting_id != poll.meeting_id:
        raise ServiceError({"agenda_item": "Dagsordenspunktet hører ikke til mødet."})
    if poll.motion is not None and poll.motion.cluster_id != poll.cluster_id:
        raise ServiceError({"motion": "Forslaget hører ikke til klyngen."})
    if poll.applies_if == AppliesIf.REJECTED and poll.kind != PollKind.YES_NO:
        raise ServiceError(
            {"effect_applies_if": "Kun en ja/nej-afstemning kan have en virkning, når forslaget forkastes."}
        )


@transaction.atomic
def poll_create(
    *,
    cluster: Cluster,
    question: str,
    kind: str = PollKind.YES_NO,
    options: list[str] | None = None,
    seats: int = 1,
    alternates: int = 0,
    secret: bool = False,
    majority: str = "",
    meeting: Meeting | None = None,
    motion: Motion | None = None,
    agenda_item: AgendaItem | None = None,
    description: str = "",
    closes_at: dt.datetime | None = None,
    effect: dict | None = None,
    by: Person | None = None,
) -> Poll:
    if agenda_item is not None and meeting is None:
        meeting = agenda_item.meeting
    poll = Poll(
        cluster=cluster,
        question=(question or "").strip()[:300],
        kind=kind,
        seats=seats if kind == PollKind.MULTI else 1,
        alternates=alternates if kind == PollKind.MULTI else 0,
        secret=secret,
        majority=majority or cluster.default_majority,
        meeting=meeting,
        motion=motion,
        agenda_item=agenda_item,
        description=description,
        closes_at=closes_at,
        effect=_clean_effect(cluster, effect),
        created_by=by,
    )
    _validate_poll(poll)
    poll.save()
    _set_options(poll, options)
    return poll


POLL_UPDATE_FIELDS = (
    "question",
    "description",
    "kind",
    "seats",
    "alternates",
    "secret",
    "majority",
    "meeting",
    "agenda_item",
    "motion",
    "closes_at",
)


@transaction.atomic
def poll_update(
    *, poll: Poll, options: list[str] | None = None, effect: dict | None = None, **fields
) -> Poll:
    """Changes a draft. Question, options, rules and electorate are frozen once the poll opens."""
    check_fields(poll, fields=POLL_UPDATE_FIELDS, data=fields)
    if fields.get("agenda_item") is not None and fields.get("meeting") is None:
        fields["meeting"] = fields["agenda_item"].meeting
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != PollStatus.DRAFT:
        raise ServiceError(
            "Afstemningen er åbnet; spørgsmål, valgmuligheder, regler og vælgere kan ikke ændres."
        )
    model_update(instance=poll, fields=POLL_UPDATE_FIELDS, data=fields, save=False)
    if effect is not None:
        poll.effect = _clean_effect(poll.cluster, effect)
    _validate_poll(poll)
    poll.save()
    if options is not None or "kind" in fields:
        _set_options(poll, options if options is not None else [o.label for o in poll.options.all()])
    return poll


def _proxy_scope(poll: Poll) -> dict:
    return {"meeting": poll.meeting} if poll.meeting_id else {"poll": poll}


@transaction.atomic
def proxy_register(*, poll: Poll, giver: Person, holder: Person, by: Person | None = None) -> Proxy:
    """A fuldmagt for the poll's meeting (or the poll, outside a meeting); before the poll opens."""
    cluster = poll.cluster
    Poll.objects.select_for_update().filter(pk=poll.pk).first()
    poll.refresh_from_db()
    if poll.status != PollStatus.DRAFT:
        raise ServiceError("Fuldmagter registreres, før afstemningen åbner.")
    if cluster.max_proxies_per_member == 0:
        raise ServiceError("Klyngens vedtægter tillader ikke fuldmagt.")
    if giver.pk == holder.pk:
        raise ServiceError({"holder": "Man kan ikke give fuldmagt til sig selv."})
    day = _local_date(poll.meeting.starts_at) if poll.meeting_id else timezone.localdate()
    voter_ids = {p.pk for p in voters_of(cluster=cluster, day=day)}
    if giver.pk not in voter_ids:
        raise ServiceError({"giver": f"{giver.name} har ikke stemmeret i klyngen."})
    if holder.pk not in voter_ids:
        raise ServiceError(
            {"holder": f"{holder.name} har ikke stemmeret i klyngen og kan ikke have fuldmagt."}
        )
    scope = _proxy_scope(poll)
    if Proxy.objects.filter(giver=giver, **scope).exists():
        raise ServiceError({"giver": f"{giver.name} har allerede givet fuldmagt."})
    if Proxy.objects.filter(giver=holder, **scope).exists():
        raise ServiceError({"holder": f"{holder.name} har selv givet fuldmagt videre."})
    held = Proxy.objects.filter(holder=holder, **scope).count()
    if held >= cluster.max_proxies_per_member:
        raise ServiceError(
            {
                "holder": f"{holder.name} har allerede {counted(held, 'fuldmagt', 'fuldmagter')}; vedtægterne "
                f"tillader højst {cluster.max_proxies_per_member}."
            }
        )
    return Proxy.objects.create(cluster=cluster, giver=giver, holder=holder, created_by=by, **scope)


@transaction.atomic
def poll_open(*, poll: Poll, by: Person | None = None, now: dt.datetime | None = None) -> Poll:
    """Freezes the electorate: voters of the day; at a meeting only those checked in, plus proxies."""
    now = now or timezone.now()
    poll = Poll.objects.select_for_update(of=("self",)).select_related("cluster", "meeting").get(pk=poll.pk)
    if poll.status != PollStatus.DRAFT:
        raise ServiceError("Afstemningen er allerede åbnet.")
    cluster = poll.cluster
    if poll.meeting_id is None:
        if poll.closes_at is None:
            raise ServiceError({"closes_at": "En afstemning uden for et møde skal have et lukketidspunkt."})
        if poll.closes_at <= now:
            raise ServiceError({"closes_at": "Lukketidspunktet skal ligge i fremtiden."})
    day = _local_date(now)
    voters = voters_of(cluster=cluster, day=day)
    voter_ids = {p.pk for p in voters}
    if poll.meeting_id:
        present = {p.pk for p in meeting_checked_in(meeting=poll.meeting)} & voter_ids
    else:
        present = set(voter_ids)
    rows = {pk: Entitlement(poll=poll, person_id=pk) for pk in present}
    for proxy in Proxy.objects.filter(**_proxy_scope(poll)):
        if proxy.giver_id in voter_ids and proxy.giver_id not in present and proxy.holder_id in present:
            rows[proxy.giver_id] = Entitlement(poll=poll, person_id=proxy.giver_id, holder_id=proxy.holder_id)
    if not rows:
        raise ServiceError("Ingen har stemmeret i afstemningen (er nogen tjekket ind på mødet?).")
    Entitlement.objects.bulk_create(rows.values())
    poll.members_total = len(voters)
    poll.electorate_size = len(rows)
    poll.quorum_percent = cluster.quorum_percent
    poll.chair_has_casting_vote = cluster.chair_has_casting_vote
    poll.status = PollStatus.OPEN
    poll.opened_at = now
    poll.save()
    if poll.secret:
        # Every count exists before the first vote: voting only changes numbers, never adds a row.
        BallotCount.objects.bulk_create(
            [BallotCount(poll=poll, option=o) for o in poll.options.all()] + [BallotCount(poll=poll)]
        )
    return poll


def _option_ids(option_ids) -> list[int]:
    try:
        return list(dict.fromkeys(int(i) for i in option_ids))
    except (TypeError, ValueError):
        raise ServiceError({"choice": "Ugyldigt valg."})


def _check_number_chosen(kind: str, seats: int, chosen_ids: list[int]) -> None:
    if kind in (PollKind.YES_NO, PollKind.SINGLE) and len(chosen_ids) != 1:
        raise ServiceError({"choice": "Vælg én mulighed."})
    if kind == PollKind.MULTI and len(chosen_ids) > seats:
        raise ServiceError({"choice": f"Vælg højst {seats}."})


def _choices_for(poll: Poll, option_ids: list[int]) -> list[PollOption]:
    options = {o.pk: o for o in poll.options.all()}
    chosen_ids = _option_ids(option_ids)
    if any(pk not in options for pk in chosen_ids):
        raise ServiceError({"choice": "Ugyldigt valg."})
    _check_number_chosen(poll.kind, poll.seats, chosen_ids)
    return [options[pk] for pk in chosen_ids]


def vote_cast(
    *,
    poll: Poll,
    person: Person,
    option_ids: list[int],
    on_behalf_of: Person | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Casts one vote for `person` (or, holding a proxy, for `on_behalf_of`).

    The vote and the turnout row are written in one transaction under a lock on the poll row. A named
    vote is a ballot row with voter and time. A secret vote only adds one to the counts of the chosen
    options: the turnout row says who voted, and nothing in the database says what (see
    docs/secret-ballots.md).

    A general assembly votes at once (bench/vote_load.py), so a secret vote is three statements: the
    poll's lock with the voter's entitlement and turnout in one query, the turnout row, the counts.
    The counts' update checks the choice: it must find one counter of this poll per option chosen.
    """
    now = now or timezone.now()
    voter = on_behalf_of or person
    chosen_ids = _option_ids(option_ids)
    try:
        # On SQLite the votes take turns on a lock the kernel hands on, instead of polling SQLite's, and
        # one truncation of the log covers those that committed meanwhile (secrecy.secret_write).
        with secrecy.secret_write(), transaction.atomic():
            locked = _POLL_LOCKED.first(poll_id=poll.pk, person_id=voter.pk)
            if locked is None:
                raise ServiceError("Afstemningen findes ikke.")
            status, closes_at, secret, kind, seats, entitled, holder_id, voted = locked
            if status != PollStatus.OPEN:
                raise ServiceError(
                    "Afstemningen er ikke åben." if status == PollStatus.DRAFT else "Afstemningen er lukket."
                )
            if closes_at is not None and now >= closes_at:
                raise ServiceError("Afstemningen er lukket.")
            # The entitlement rows are the electorate `decisions.vote` (decisions/rules.py) drew when the
            # poll opened; the lock's query answers `decisions.cast_vote` (own vote or a proxy held)
            # with them, which the pages and the API ask of the rule itself.
            if entitled is None:
                raise ServiceError("Du har ikke stemmeret i denne afstemning.")
            if on_behalf_of is not None and on_behalf_of.pk != person.pk and holder_id != person.pk:
                raise ServiceError("Du har ikke fuldmagt fra denne person.")
            if on_behalf_of is None and holder_id is not None:
                raise ServiceError("Du har givet fuldmagt; din stemme afgives af fuldmagtshaveren.")
            if voted:
                raise ServiceError("Der er allerede stemt." if on_behalf_of else "Du har allerede stemt.")
            _check_number_chosen(kind, seats, chosen_ids)
            if secret:
                Turnout.objects.create(poll_id=poll.pk, person=voter, cast_by=person)
                _count_secret_vote(poll, chosen_ids)
            else:
                chosen = _choices_for(poll, chosen_ids)
                Turnout.objects.create(poll_id=poll.pk, person=voter, cast_by=person)
                ballot = Ballot.objects.create(poll_id=poll.pk, voter=voter, cast_by=person, cast_at=now)
                BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, option=o) for o in chosen])
    except IntegrityError:
        raise ServiceError("Du har allerede stemt.")


# The read of a vote, compiled once (core/prepared.py): 100 votes at once each run it. The poll's
# row is locked (only it: the voter's entitlement is joined, and may be missing); the status read is
# the locked row's newest. "Has voted" is read in the same statement: on PostgreSQL a vote by the same
# person committed while this one waited for the lock may not be seen, and then the turnout row's
# unique constraint refuses the second (»Du har allerede stemt«).
_POLL_LOCKED = Prepared(
    lambda poll_id, person_id: (
        Poll.objects.select_for_update(of=("self",))
        .filter(pk=poll_id)
        .annotate(
            entitlement=FilteredRelation("entitlements", condition=Q(entitlements__person_id=person_id)),
            voted=Exists(Turnout.objects.filter(poll_id=poll_id, person_id=person_id)),
        )
        .order_by()
        .values_list(
            "status",
            "closes_at",
            "secret",
            "kind",
            "seats",
            "entitlement__id",
            "entitlement__holder_id",
            "voted",
        )
    ),
    poll_id=int,
    person_id=int,
)


def _count_secret_vote(poll: Poll, chosen_ids: list[int]) -> None:
    counts = BallotCount.objects.filter(poll_id=poll.pk)
    counts = counts.filter(option_id__in=chosen_ids) if chosen_ids else counts.filter(option__isnull=True)
    if counts.update(votes=F("votes") + 1) != max(len(chosen_ids), 1):
        # An option of another poll: the transaction is undone, turnout row and all.
        raise ServiceError({"choice": "Ugyldigt valg."})
    # The log now holds the counts before and after this vote beside the turnout row: empty it.
    secrecy.after_secret_write()


def _kept_as_counts(poll: Poll) -> bool:
    """A secret poll, and a vote recorded afterwards (whose ballots Klynge never saw), keep only
    counts per option (BallotCount); an open poll held in Klynge keeps named ballots."""
    return poll.secret or poll.recorded_afterwards


def _counts(poll: Poll) -> tuple[Counter, int]:
    """(votes per option id, blank votes)."""
    counts: Counter = Counter()
    if _kept_as_counts(poll):
        rows = list(BallotCount.objects.filter(poll=poll).values_list("option_id", "votes"))
        counts.update({option_id: votes for option_id, votes in rows if option_id is not None})
        return counts, sum(votes for option_id, votes in rows if option_id is None)
    blank = 0
    for ballot in Ballot.objects.filter(poll=poll).prefetch_related("choices"):
        chosen = [c.option_id for c in ballot.choices.all()]
        if not chosen:
            blank += 1
        counts.update(chosen)
    return counts, blank


def poll_outcome(poll: Poll, *, casting_vote: str = "", turnout: int | None = None) -> results.Outcome:
    """The tally of a live or recorded poll, from its ballots or counts. `turnout` is given by a caller
    that knows it (a vote recorded afterwards has no turnout rows)."""
    counts, blank = _counts(poll)
    if turnout is None:
        turnout = Turnout.objects.filter(poll=poll).count()
    votes = {o.code or o.label: counts[o.pk] for o in poll.options.all()}
    present = poll.electorate_size if poll.meeting_id else turnout
    return _tally(poll, votes=votes, blank=blank, present=present or 0, casting_vote=casting_vote)


def _tally(
    poll: Poll, *, votes: dict[str, int], blank: int, present: int, casting_vote: str
) -> results.Outcome:
    """The outcome of the votes (by code for yes/no, by label otherwise) under the poll's frozen rules."""
    common = {
        "present": present,
        "members_total": poll.members_total or 0,
        "quorum_percent": poll.quorum_percent or 0,
    }
    if poll.kind == PollKind.YES_NO:
        return results.tally_yes_no(
            yes=votes.get("yes", 0),
            no=votes.get("no", 0),
            abstain=votes.get("abstain", 0) + blank,
            entitled=poll.electorate_size or 0,
            majority=poll.majority,
            casting_vote=casting_vote,
            chair_has_casting_vote=poll.chair_has_casting_vote,
            **common,
        )
    labelled = {o.label: votes.get(o.label, 0) for o in poll.options.all()}
    if poll.kind == PollKind.SINGLE:
        return results.tally_choice(
            counts=labelled,
            blank=blank,
            entitled=poll.electorate_size or 0,
            majority=poll.majority,
            casting_vote=casting_vote,
            chair_has_casting_vote=poll.chair_has_casting_vote,
            **common,
        )
    return results.tally_election(counts=labelled, seats=poll.seats, alternates=poll.alternates, **common)


@transaction.atomic
def poll_close(
    *, poll: Poll, by: Person | None = None, casting_vote: str = "", now: dt.datetime | None = None
) -> Decision:
    """Closes the poll, counts, writes the decision and carries out its effect when adopted."""
    now = now or timezone.now()
    poll = Poll.objects.select_for_update(of=("self",)).select_related("cluster", "meeting").get(pk=poll.pk)
    if poll.status != PollStatus.OPEN:
        raise ServiceError("Kun en åben afstemning kan lukkes.")
    poll.status = PollStatus.CLOSED
    poll.closed_at = now
    poll.casting_vote = casting_vote
    poll.save(update_fields=["status", "closed_at", "casting_vote"])
    if poll.secret:
        _forget_the_running_count(poll)
    turnout = Turnout.objects.filter(poll=poll).count()
    outcome = poll_outcome(poll, casting_vote=casting_vote, turnout=turnout)
    decided_on = _local_date(poll.meeting.starts_at) if poll.meeting_id else _local_date(now)
    return _decide(
        poll=poll,
        outcome=outcome,
        decided_on=decided_on,
        turnout=turnout,
        casting_vote=casting_vote,
        by=by,
    )


def _decide(
    *, poll: Poll, outcome: results.Outcome, decided_on: dt.date, turnout: int, casting_vote: str, by
) -> Decision:
    """Writes the decision of a counted poll (live or recorded afterwards), carries out its effect when
    the outcome calls for it, and notes it under the poll's agenda item."""
    effect_kind = poll.effect.get("kind") or ""
    applies = effect_kind and _effect_applies(poll, outcome, casting_vote)
    decision = _decision_create(
        cluster=poll.cluster,
        poll=poll,
        meeting=poll.meeting,
        decided_on=decided_on,
        question=poll.question,
        result=_result_text(poll, outcome),
        adopted=outcome.adopted,
        effect_kind=effect_kind,
        effect_applies_if=poll.applies_if if effect_kind else "",
        effect_applied=bool(applies),
        secret=poll.secret,
        recorded_afterwards=poll.recorded_afterwards,
        counts={
            "counts": outcome.counts,
            "turnout": turnout,
            "electorate": poll.electorate_size,
            "members_total": poll.members_total,
            "quorate": outcome.quorate,
            "tie": outcome.tie,
            "share": results.fraction_text(outcome.share) if outcome.share is not None else None,
            "elected": outcome.elected,
            "alternates": outcome.alternates,
            "winner": outcome.winner,
            "recorded_afterwards": poll.recorded_afterwards,
        },
    )
    if applies:
        decision.effect = _apply_effect(poll=poll, decision=decision, by=by)
    elif poll.is_confidence_vote:
        practice = poll.cluster.memberships.select_related("practice").get(
            practice_id=poll.effect["practice_id"]
        )
        decision.effect = (
            f"Der var tillid: {practice.practice.name} fortsætter i klyngemøderne."
            if outcome.adopted
            else f"Intet flertal for mistillid: {practice.practice.name} fortsætter i klyngemøderne."
        )
    elif effect_kind and poll.applies_if == AppliesIf.REJECTED:
        decision.effect = "Ingen virkning: forslaget blev ikke forkastet."
    elif effect_kind:
        decision.effect = "Ingen virkning: forslaget blev ikke vedtaget."
    if decision.effect:
        if poll.is_confidence_vote and applies:
            decision.effect = "Der var ikke tillid: " + decision.effect
        decision.save(update_fields=["effect"])
    _record_in_minutes(poll, decision)
    return decision


def _effect_applies(poll: Poll, outcome: results.Outcome, casting_vote: str = "") -> bool:
    """Adopted, or for an effect that follows a rejection: a quorate vote where more said no than yes
    (or the chair's casting vote said no). A tie without a casting vote changes nothing."""
    if poll.applies_if == AppliesIf.ADOPTED:
        return outcome.adopted
    if not outcome.quorate or outcome.adopted:
        return False
    yes, no = outcome.counts.get("yes", 0), outcome.counts.get("no", 0)
    return no > yes or (outcome.tie and casting_vote == "no" and poll.chair_has_casting_vote)


def _result_text(poll: Poll, outcome: results.Outcome) -> str:
    """The tally's summary; a confidence question is answered with »tillid«, not »vedtaget«."""
    summary = outcome.summary
    if poll.is_confidence_vote and outcome.quorate:
        for ending in (" Forslaget er vedtaget.", " Forslaget er ikke vedtaget."):
            summary = summary.removesuffix(ending)
        if outcome.adopted:
            summary += " Der var tillid."
        elif _effect_applies(poll, outcome, poll.casting_vote):
            summary += " Der var ikke tillid."
        else:
            summary += " Der var ikke flertal for mistillid."
    return summary


def _decision_create(*, cluster: Cluster, decided_on: dt.date, **fields) -> Decision:
    """A decision with the next number of its cluster and year (Beslutning nr. 1, 2, ... each year)."""
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
    last = Decision.objects.filter(cluster=cluster, decided_on__year=decided_on.year).aggregate(
        m=Max("number")
    )["m"]
    return Decision.objects.create(cluster=cluster, decided_on=decided_on, number=(last or 0) + 1, **fields)


@transaction.atomic
def poll_record(
    *,
    cluster: Cluster,
    question: str,
    counts: dict[str, int],
    kind: str = PollKind.YES_NO,
    options: list[str] | None = None,
    seats: int = 1,
    alternates: int = 0,
    secret: bool = False,
    majority: str = "",
    meeting: Meeting | None = None,
    motion: Motion | None = None,
    agenda_item: AgendaItem | None = None,
    description: str = "",
    decided_on: dt.date | None = None,
    blank: int = 0,
    turnout: int | None = None,
    proxies: int = 0,
    casting_vote: str = "",
    effect: dict | None = None,
    by: Person | None = None,
    now: dt.datetime | None = None,
) -> Decision:
    """Records a vote held before (at a meeting, or online), with its counts as they were.

    The rules apply as of the day of the vote: the electorate is the members with a vote and an active
    practice that day who were checked in at the meeting (plus the proxies held there); online, every
    such member. Counts beyond the electorate are refused. No ballots or turnout rows are written (a
    secret vote stays secret: there is nothing but the counts). The poll is marked as recorded
    afterwards, with who recorded it and when; its decision and effect take the day of the vote.
    """
    now = now or timezone.now()
    if agenda_item is not None and meeting is None:
        meeting = agenda_item.meeting
    if meeting is not None:
        if meeting.cluster_id != cluster.pk:
            raise ServiceError({"meeting": "Mødet hører ikke til klyngen."})
        if meeting.status == MeetingStatus.CANCELLED:
            raise ServiceError({"meeting": "Mødet blev aflyst; der kan ikke registreres en afstemning."})
        if meeting.starts_at > now:
            raise ServiceError({"meeting": "Mødet er ikke holdt endnu: åbn afstemningen på mødet i stedet."})
        day = _local_date(meeting.starts_at)
    else:
        if decided_on is None:
            raise ServiceError({"decided_on": "Angiv mødet eller datoen for afstemningen."})
        if decided_on > timezone.localdate(now):
            raise ServiceError({"decided_on": "Datoen ligger i fremtiden."})
        day = decided_on
    poll = poll_create(
        cluster=cluster,
        question=question,
        kind=kind,
        options=options,
        seats=seats,
        alternates=alternates,
        secret=secret,
        majority=majority,
        meeting=meeting,
        motion=motion,
        agenda_item=agenda_item,
        description=description,
        effect=effect,
        by=by,
    )
    voters = voters_of(cluster=cluster, day=day)
    voter_ids = {p.pk for p in voters}
    when = f"den {dates.short_date(day)}"
    if meeting is not None:
        present = len({p.pk for p in meeting_checked_in(meeting=meeting)} & voter_ids)
        if not present:
            raise ServiceError(
                f"Ingen med stemmeret er registreret som til stede på mødet {when}. Registrér fremmødet "
                "først: stemmeretten følger, hvem der var til stede."
            )
        if proxies < 0 or proxies > min(present * cluster.max_proxies_per_member, len(voter_ids) - present):
            raise ServiceError(
                {
                    "proxies": f"Der kan højst være {min(present * cluster.max_proxies_per_member, len(voter_ids) - present)} fuldmagter."
                }
            )
        electorate = present + proxies
    else:
        electorate = len(voter_ids)
    options_by_label = {o.label: o for o in poll.options.all()}
    values = dict(counts or {})
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in [*values.values(), blank]):
        raise ServiceError({"counts": "Stemmetallene skal være hele tal, 0 eller derover."})
    if poll.kind == PollKind.YES_NO:
        unknown = set(values) - {"yes", "no", "abstain"}
    else:
        unknown = set(values) - set(options_by_label)
    if unknown:
        raise ServiceError({"counts": "Ukendt valgmulighed: " + ", ".join(sorted(unknown))})
    votes = sum(values.values())
    if poll.kind == PollKind.MULTI:
        if turnout is None:
            raise ServiceError({"turnout": "Angiv, hvor mange der stemte ved valget."})
        if votes > turnout * poll.seats:
            raise ServiceError(
                {"counts": f"{turnout} stemmesedler kan højst give {turnout * poll.seats} stemmer."}
            )
    else:
        turnout = votes + blank
    if turnout > electorate:
        raise ServiceError(
            {
                "counts": f"Der er registreret {turnout} stemmer, men kun {electorate} havde stemmeret og var "
                f"til stede {when}."
                if meeting is not None
                else f"Der er registreret {turnout} stemmer, men kun {electorate} havde stemmeret {when}."
            }
        )
    poll.members_total = len(voter_ids)
    poll.electorate_size = electorate
    poll.quorum_percent = cluster.quorum_percent
    poll.chair_has_casting_vote = cluster.chair_has_casting_vote
    poll.casting_vote = casting_vote
    moment = (
        meeting.starts_at
        if meeting is not None
        else timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    )
    poll.opened_at = poll.closed_at = moment
    poll.status = PollStatus.PUBLISHED
    poll.recorded_afterwards = True
    poll.recorded_by = by
    poll.recorded_at = now
    poll.save()
    # The counts go where a secret poll's live votes go, so one tally reads both (no ballot, no
    # turnout row: nobody's vote is known, only the numbers as they were announced).
    by_key = {o.code or o.label: o for o in poll.options.all()}
    BallotCount.objects.bulk_create(
        [BallotCount(poll=poll, option=o, votes=values.get(key, 0)) for key, o in by_key.items()]
        + [BallotCount(poll=poll, votes=blank)]
    )
    outcome = poll_outcome(poll, casting_vote=casting_vote, turnout=turnout)
    return _decide(
        poll=poll, outcome=outcome, decided_on=day, turnout=turnout, casting_vote=casting_vote, by=by
    )


def _forget_the_running_count(poll: Poll) -> None:
    """Leaves nothing of the open poll's history once it closes.

    While the poll was open, every vote left a trace that pairs it with its turnout row: on
    PostgreSQL each version of a count row carries the id of the transaction that wrote it (`xmin`),
    the same as the turnout row's, and the old versions stay in the table's pages; on SQLite the log
    holds the pages as each vote left them. The counts are written anew in this transaction (so every
    live row carries the closing transaction's id), and after the commit the table is rewritten into
    a new file (PostgreSQL) or the log emptied (SQLite).
    """
    BallotCount.objects.filter(poll=poll).update(votes=F("votes"))
    secrecy.after_secret_closed(BallotCount)


def _record_in_minutes(poll: Poll, decision: Decision) -> None:
    """Writes the decision under the agenda item of the poll (or of its motion) while the minutes are open."""
    item = poll.agenda_item or (poll.motion.agenda_item if poll.motion_id else None)
    if item is None or item.meeting.minutes_approved_at is not None:
        return
    line = f"{decision.question}: {decision.result}" + (f" {decision.effect}" if decision.effect else "")
    meeting_services.minutes_write(
        item=item, minutes=item.minutes, decisions="\n\n".join(t for t in (item.decisions, line) if t)
    )


@transaction.atomic
def poll_publish(*, poll: Poll) -> Poll:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != PollStatus.CLOSED:
        raise ServiceError("Kun en lukket afstemning kan offentliggøres.")
    poll.status = PollStatus.PUBLISHED
    poll.save(update_fields=["status"])
    return poll


def polls_close_due(*, cluster: Cluster | None = None, now: dt.datetime | None = None) -> int:
    """Closes online polls whose closing time has passed: every cluster's from the daily
    `klynge sync-suspensions`, one cluster's from its poll list."""
    now = now or timezone.now()
    due = Poll.objects.filter(status=PollStatus.OPEN, closes_at__lte=now)
    if cluster is not None:
        due = due.filter(cluster=cluster)
    closed = 0
    for poll in due:
        try:
            poll_close(poll=poll, now=now)
            closed += 1
        except ServiceError:
            pass
    return closed


def poll_close_if_due(*, poll: Poll, now: dt.datetime | None = None) -> Poll:
    """An online poll past its closing time is closed on the first look at it (the daily command
    closes the ones nobody looks at); other polls are left as they are."""
    now = now or timezone.now()
    if poll.status == PollStatus.OPEN and poll.closes_at and poll.closes_at <= now:
        # Closed meanwhile by another request or the daily command: nothing left to do.
        with contextlib.suppress(ServiceError):
            poll_close(poll=poll, now=now)
        poll.refresh_from_db()
    return poll


# Effects -------------------------------------------------------------------------------------------


def _apply_effect(*, poll: Poll, decision: Decision, by: Person | None) -> str:
    effect = poll.effect
    kind = effect["kind"]
    cluster = poll.cluster
    if kind == EffectKind.SUSPEND:
        membership = cluster.memberships.select_related("practice").get(practice_id=effect["practice_id"])
        ends_on = dt.date.fromisoformat(effect["ends_on"]) if effect.get("ends_on") else None
        period = core_services.membership_set_status(
            membership=membership,
            status=MembershipStatus.SUSPENDED,
            starts_on=decision.decided_on,
            ends_on=ends_on,
            until_next_general_assembly=effect.get("until_next_general_assembly", False),
            reason=effect.get("reason") or poll.question,
            decision_ref=decision.reference,
            by=by,
        )
        # An earlier hold that would end later or never is cut at the start of the new one.
        MembershipPeriod.objects.filter(
            membership=membership, status=MembershipStatus.SUSPENDED, starts_on__lt=period.starts_on
        ).exclude(pk=period.pk).filter(ends_on__isnull=True).update(ends_on=period.starts_on)
        if period.until_next_general_assembly:
            suspensions_sync(cluster=cluster)
            period.refresh_from_db()
            if period.ends_on:
                return (
                    f"{membership.practice.name} er sat på hold fra {dates.short_date(period.starts_on)} til næste "
                    f"generalforsamling ({dates.short_date(period.ends_on)})."
                )
            return f"{membership.practice.name} er sat på hold fra {dates.short_date(period.starts_on)} til næste generalforsamling."
        return f"{membership.practice.name} er sat på hold fra {dates.short_date(period.starts_on)} til {dates.short_date(period.ends_on)}."
    if kind == EffectKind.CHARTER:
        version = charter_adopt(
            cluster=cluster,
            kind=effect["charter_kind"],
            text=effect["text"],
            adopted_on=decision.decided_on,
            decision=decision,
        )
        return f"{version.get_kind_display()} version {version.number} er vedtaget."
    if kind == EffectKind.OPEN_DATA:
        core_services.cluster_update(
            cluster=cluster,
            open_data=effect["open_data"],
            open_data_reason=effect.get("reason") or f"{decision.reference}: {decision.question}",
        )
        return (
            "Klyngen deler nu praksis' data åbent."
            if effect["open_data"]
            else "Klyngens data er nu lukkede (pseudonymer)."
        )
    return ""


@transaction.atomic
def charter_adopt(
    *, cluster: Cluster, kind: str, text: str, adopted_on: dt.date, decision: Decision | None = None
) -> CharterVersion:
    if kind not in CharterKind.values:
        raise ServiceError({"kind": "Ukendt dokument."})
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": "Skriv teksten."})
    last = (
        CharterVersion.objects.select_for_update()
        .filter(cluster=cluster, kind=kind)
        .order_by("-number")
        .first()
    )
    return CharterVersion.objects.create(
        cluster=cluster,
        kind=kind,
        number=(last.number + 1) if last else 1,
        text=text,
        adopted_on=adopted_on,
        decision=decision,
    )


@transaction.atomic
def suspensions_sync(*, cluster: Cluster) -> int:
    """Holds "until the next general assembly" end on the day that general assembly is held.

    For every such period the next general assembly (not cancelled) after the hold began is looked up;
    the period's `ends_on` is set to that meeting's date (the practice takes part again that day), or
    cleared when no general assembly is planned yet. Run when a general assembly is created, moved,
    cancelled or held (a signal does it) and by `klynge sync_suspensions`. Returns the periods changed.
    """
    changed = 0
    periods = MembershipPeriod.objects.select_for_update().filter(
        membership__cluster=cluster, status=MembershipStatus.SUSPENDED, until_next_general_assembly=True
    )
    for period in periods:
        if period.ends_on is not None and (
            MembershipPeriod.objects.filter(membership_id=period.membership_id, starts_on=period.ends_on)
            .exclude(pk=period.pk)
            .exists()
        ):
            # Cut short by a later period (re-activation or a new decision): the history keeps that date.
            continue
        # The hold starts at the end of the day it was decided, so a GA on that very day does not end it.
        end_of_day = timezone.make_aware(dt.datetime.combine(period.starts_on, dt.time.max))
        meeting = next_general_assembly(cluster=cluster, after=end_of_day)
        ends_on = _local_date(meeting.starts_at) if meeting else None
        if ends_on is not None and ends_on <= period.starts_on:
            ends_on = None
        if period.ends_on != ends_on:
            period.ends_on = ends_on
            period.save(update_fields=["ends_on"])
            changed += 1
    return changed
