"""Who may do what with motions, polls and decisions: the one definition of who may vote.

Two levels, each a `rules` predicate that the pages, the API and the services all ask:

- `decisions.vote` (object: the cluster, or `OnDay(cluster, day)`): may vote in the cluster on that
  day, and so becomes part of the electorate of a poll opened then: a voting role (chair, vice-chair,
  treasurer, board member, member; an alternate or a coordinator alone has none) and a practice that
  is neither on hold (suspended by a decision) nor gone from the cluster.
- `decisions.cast_vote` (object: a poll): may cast a vote in this poll now: the poll is open, and the
  person has a vote of their own in its electorate (frozen when it opened) or holds someone's proxy.

`decisions.view_poll` and `decisions.view_result` (object: a poll) say who sees a poll (a draft: the
board only) and its result (once published; the board as soon as it is counted).
`decisions.open_ballot` (object: a poll) lets either of them see the ballot page.
`voters_of(cluster=..., day=...)` is everyone the first rule lets vote: the electorate of a new poll
and the people who may give or hold a proxy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rules
from django.utils import timezone

from klynge.core import selectors as core_selectors
from klynge.core.models import VOTING_ROLES, Cluster, MembershipStatus, Person
from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

from . import selectors
from .models import Poll, PollStatus


@dataclass(frozen=True)
class OnDay:
    """The cluster as it stood on a day (a meeting's day), for the rules that depend on the day."""

    cluster: Cluster
    day: dt.date


def _cluster_and_day(target) -> tuple[Cluster, dt.date]:
    if isinstance(target, OnDay):
        return target.cluster, target.day
    return target, timezone.localdate()


# May vote in the cluster ---------------------------------------------------------------------------


@rules.predicate
def has_voting_role(user, target) -> bool:
    """Alternates take part without a vote; a coordinator votes only when also a member."""
    cluster, day = _cluster_and_day(target)
    return bool(core_selectors.roles_of(user, cluster, day) & VOTING_ROLES)


@rules.predicate
def practice_on_hold(user, target) -> bool:
    """The person's practice is suspended by a decision of the cluster (»sat på hold«)."""
    cluster, day = _cluster_and_day(target)
    return core_selectors.practice_status_of(user, cluster, day) == MembershipStatus.SUSPENDED


@rules.predicate
def practice_has_left(user, target) -> bool:
    cluster, day = _cluster_and_day(target)
    return core_selectors.practice_status_of(user, cluster, day) == MembershipStatus.LEFT


may_vote_in_cluster = has_voting_role & ~practice_on_hold & ~practice_has_left


def voters_of(*, cluster: Cluster, day: dt.date | None = None) -> list[Person]:
    """Everyone `may_vote_in_cluster` lets vote on the day, by name (three queries, whatever the size)."""
    day = day or timezone.localdate()
    people = core_selectors.cluster_people_primed(cluster=cluster, day=day)
    on_day = OnDay(cluster, day)
    return [person for person in people if may_vote_in_cluster.test(person, on_day)]


# Seeing a poll and its result ----------------------------------------------------------------------


@rules.predicate
def manages_the_polls_cluster(user, poll: Poll) -> bool:
    return user.has_perm("decisions.manage", poll.cluster)


@rules.predicate
def reads_the_polls_cluster(user, poll: Poll) -> bool:
    return user.has_perm("decisions.view", poll.cluster)


@rules.predicate
def poll_is_draft(user, poll: Poll) -> bool:
    return poll.status == PollStatus.DRAFT


@rules.predicate
def poll_is_closed(user, poll: Poll) -> bool:
    """Closed and counted, not yet published."""
    return poll.status == PollStatus.CLOSED


@rules.predicate
def poll_is_published(user, poll: Poll) -> bool:
    return poll.status == PollStatus.PUBLISHED


# A draft is the board's work in progress; once opened, the cluster's readers see the poll.
# May cast a vote in a poll -------------------------------------------------------------------------


@rules.predicate
def poll_is_open(user, poll: Poll) -> bool:
    return poll.status == PollStatus.OPEN and (poll.closes_at is None or timezone.now() < poll.closes_at)


@rules.predicate
def has_own_vote(user, poll: Poll) -> bool:
    """In the electorate frozen when the poll opened, and has not given the vote away by proxy."""
    return selectors.has_own_vote(poll=poll, person=user)


@rules.predicate
def holds_a_proxy(user, poll: Poll) -> bool:
    return selectors.holds_proxy(poll=poll, person=user)


may_cast_vote = poll_is_open & (has_own_vote | holds_a_proxy)


@rules.predicate
def may_vote_in_the_polls_cluster(user, poll: Poll) -> bool:
    return may_vote_in_cluster.test(user, poll.cluster)


@rules.predicate
def poll_at_meeting(user, poll: Poll) -> bool:
    return poll.meeting_id is not None


# The ballot page: the voters of the cluster wait there for a meeting's poll to open (an online poll
# in draft is the board's alone); once it is open, its electorate (and the proxy holders) vote there.
may_open_ballot = (may_vote_in_the_polls_cluster | has_own_vote | holds_a_proxy) & (
    ~poll_is_draft | poll_at_meeting | manages_the_polls_cluster
)


rules.add_perm("decisions.view_poll", manages_the_polls_cluster | (reads_the_polls_cluster & ~poll_is_draft))
# The result: for everyone once published; for the board as soon as the poll is closed and counted.
rules.add_perm(
    "decisions.view_result",
    (reads_the_polls_cluster & poll_is_published) | (manages_the_polls_cluster & poll_is_closed),
)

rules.add_perm("decisions.view", is_cluster_reader | is_platform_staff)
rules.add_perm("decisions.vote", may_vote_in_cluster)
rules.add_perm("decisions.cast_vote", may_cast_vote)
rules.add_perm("decisions.open_ballot", may_open_ballot)
rules.add_perm("decisions.submit_motion", is_cluster_member)
rules.add_perm("decisions.manage", is_cluster_board | is_platform_staff)
