"""Writes of an idea round: ideas, dots, sign-ups and closing. One transaction each; keyword-only."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone

from klynge.core import selectors as core_selectors
from klynge.core.models import Cluster, Person
from klynge.core.services import ServiceError
from klynge.meetings.models import Meeting

from .. import selectors
from ..models import Dot, GroupSignup, Idea, IdeaRound, RoundStatus
from ..planning import rank_ideas


def _require_member(cluster: Cluster, person: Person) -> None:
    if not core_selectors.is_member(person, cluster):
        raise ServiceError("Kun klyngens medlemmer kan deltage.")


@transaction.atomic
def round_create(
    *,
    cluster: Cluster,
    title: str,
    meeting: Meeting | None = None,
    dots_per_member: int = 3,
    allow_stacking: bool = True,
    group_limit: int | None = None,
    by: Person | None = None,
) -> IdeaRound:
    if not (title or "").strip():
        raise ServiceError({"title": "Giv idérunden en titel."})
    if meeting is not None and meeting.cluster_id != cluster.pk:
        raise ServiceError({"meeting": "Mødet hører ikke til klyngen."})
    if not 1 <= int(dots_per_member) <= 20:
        raise ServiceError({"dots_per_member": "Hvert medlem skal have mellem 1 og 20 prikker."})
    if group_limit is not None and group_limit < 1:
        raise ServiceError({"group_limit": "En gruppe skal kunne have mindst én deltager."})
    round = IdeaRound(
        cluster=cluster,
        title=title.strip(),
        meeting=meeting,
        dots_per_member=dots_per_member,
        allow_stacking=allow_stacking,
        group_limit=group_limit,
        created_by=by,
    )
    while IdeaRound.objects.filter(code=round.code).exists():
        round.code = IdeaRound._meta.get_field("code").default()
    round.full_clean()
    round.save()
    return round


def _lock_open(round: IdeaRound) -> IdeaRound:
    locked = IdeaRound.objects.select_for_update().get(pk=round.pk)
    if not locked.is_open:
        raise ServiceError("Idérunden er lukket.")
    return locked


@transaction.atomic
def idea_submit(
    *, round: IdeaRound, person: Person, title: str, description: str = "", why_it_matters: str = ""
) -> Idea:
    _require_member(round.cluster, person)
    _lock_open(round)
    title = (title or "").strip()
    if not title:
        raise ServiceError({"title": "Skriv en overskrift til ideen."})
    if len(title) > 200:
        raise ServiceError({"title": "Overskriften må højst være 200 tegn."})
    idea = Idea(
        cluster=round.cluster,
        round=round,
        title=title,
        description=(description or "").strip(),
        why_it_matters=(why_it_matters or "").strip(),
        submitted_by=person,
    )
    idea.full_clean()
    idea.save()
    return idea


@transaction.atomic
def idea_merge(*, round: IdeaRound, duplicate: Idea, keep: Idea, by: Person | None = None) -> Idea:
    """Merges a duplicate into the idea kept: its dots and sign-ups move along.

    A sign-up already on the kept idea is not doubled; when stacking is off, a dot that would give a
    person two dots on the kept idea goes back to the person.
    """
    locked = IdeaRound.objects.select_for_update().get(pk=round.pk)
    if duplicate.pk == keep.pk:
        raise ServiceError("Vælg to forskellige ideer.")
    if duplicate.round_id != round.pk or keep.round_id != round.pk:
        raise ServiceError("Begge ideer skal høre til idérunden.")
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ServiceError("Ideen er allerede lagt sammen med en anden.")
    if not locked.allow_stacking:
        on_keep = set(Dot.objects.filter(idea=keep).values_list("person_id", flat=True))
        for dot in Dot.objects.filter(idea=duplicate).order_by("id"):
            if dot.person_id in on_keep:
                dot.delete()
            else:
                on_keep.add(dot.person_id)
    Dot.objects.filter(idea=duplicate).update(idea=keep)
    signed = set(GroupSignup.objects.filter(idea=keep).values_list("person_id", flat=True))
    for signup in GroupSignup.objects.filter(idea=duplicate):
        if signup.person_id in signed:
            signup.delete()
        else:
            signup.idea = keep
            signup.save(update_fields=["idea"])
            signed.add(signup.person_id)
    Idea.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    if not keep.description and duplicate.description:
        keep.description = duplicate.description
        keep.save(update_fields=["description"])
    return keep


@transaction.atomic
def dot_add(*, round: IdeaRound, idea: Idea, person: Person) -> Dot:
    _require_member(round.cluster, person)
    locked = _lock_open(round)
    if idea.round_id != round.pk or idea.merged_into_id:
        raise ServiceError("Ideen findes ikke i runden.")
    used = Dot.objects.filter(round=round, person=person)
    if used.count() >= locked.dots_per_member:
        raise ServiceError(
            "Du har brugt din prik."
            if locked.dots_per_member == 1
            else f"Du har brugt alle dine {locked.dots_per_member} prikker."
        )
    if not locked.allow_stacking and used.filter(idea=idea).exists():
        raise ServiceError("I denne runde kan du kun give hver idé én prik.")
    return Dot.objects.create(round=round, idea=idea, person=person)


@transaction.atomic
def dot_remove(*, round: IdeaRound, idea: Idea, person: Person) -> None:
    _lock_open(round)
    dot = Dot.objects.filter(round=round, idea=idea, person=person).order_by("-id").first()
    if dot is None:
        raise ServiceError("Du har ingen prik på den idé.")
    dot.delete()


@transaction.atomic
def signup_add(*, round: IdeaRound, idea: Idea, person: Person) -> GroupSignup:
    _require_member(round.cluster, person)
    locked = IdeaRound.objects.select_for_update().get(pk=round.pk)
    if idea.round_id != round.pk or idea.merged_into_id:
        raise ServiceError("Ideen findes ikke i runden.")
    existing = GroupSignup.objects.filter(idea=idea, person=person).first()
    if existing:
        return existing
    if locked.group_limit is not None and idea.signups.count() >= locked.group_limit:
        raise ServiceError(f"Gruppen er fuld ({locked.group_limit} deltagere).")
    return GroupSignup.objects.create(round=round, idea=idea, person=person)


@transaction.atomic
def signup_remove(*, round: IdeaRound, idea: Idea, person: Person) -> None:
    GroupSignup.objects.filter(round=round, idea=idea, person=person).delete()


@transaction.atomic
def round_close(*, round: IdeaRound, by: Person | None = None) -> IdeaRound:
    locked = _lock_open(round)
    ranking = rank_ideas(selectors.round_tallies(round=locked))
    locked.ranking = [dataclasses.asdict(r) for r in ranking]
    locked.status = RoundStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["ranking", "status", "closed_at", "closed_by"])
    return locked
