"""Reads of the register. Every function that returns cluster-owned rows takes the cluster first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import (
    ADVISER_ROLES,
    BOARD_ROLES,
    MEMBER_ROLES,
    ApiToken,
    AuditEvent,
    Cluster,
    Membership,
    MembershipPeriod,
    MembershipStatus,
    Person,
    Practice,
    Role,
    RoleAssignment,
    current_on,
)
from .prepared import Prepared, fields_of, instance


def status_from_periods(
    membership: Membership, periods: Iterable[MembershipPeriod], day: dt.date
) -> str | None:
    """The latest-starting period that covers the day wins; with none, a member since joining is active."""
    if (period := _governing_period(periods, day)) is not None:
        return period.status
    if membership.joined_on <= day:
        return MembershipStatus.ACTIVE
    return None


def _governing_period(periods: Iterable[MembershipPeriod], day: dt.date) -> MembershipPeriod | None:
    covering = [p for p in periods if p.covers(day)]
    return max(covering, key=lambda p: (p.starts_on, p.created_at, p.pk or 0)) if covering else None


def departure_day(membership: Membership) -> dt.date | None:
    """The day the practice left the cluster or is recorded to leave it (the status after its last
    recorded change, today at the earliest, is »udtrådt«); None while it stays."""
    periods = list(membership.periods.all())
    last_change = max([timezone.localdate(), *(p.starts_on for p in periods)])
    period = _governing_period(periods, last_change)
    if period is None or period.status != MembershipStatus.LEFT:
        return None
    return period.starts_on


def membership_status(membership: Membership, day: dt.date | None = None) -> str | None:
    day = day or timezone.localdate()
    return status_from_periods(membership, membership.periods.all(), day)


def cluster_memberships(
    *, cluster: Cluster, day: dt.date | None = None, include_left: bool = False
) -> list[Membership]:
    """Memberships with `status` set for the day, practices joined in, in two queries."""
    day = day or timezone.localdate()
    memberships = list(
        cluster.memberships.select_related("practice").prefetch_related(
            Prefetch("periods", queryset=MembershipPeriod.objects.order_by("starts_on", "created_at"))
        )
    )
    result = []
    for membership in memberships:
        membership.status = status_from_periods(membership, membership.periods.all(), day)
        if membership.status is None or (membership.status == MembershipStatus.LEFT and not include_left):
            continue
        result.append(membership)
    return result


def cluster_practices(
    *, cluster: Cluster, day: dt.date | None = None, include_left: bool = False
) -> list[Practice]:
    practices = []
    for membership in cluster_memberships(cluster=cluster, day=day, include_left=include_left):
        membership.practice.membership_status = membership.status
        membership.practice.membership = membership
        practices.append(membership.practice)
    return practices


def without_list_sizes(practices: list[Practice], *, person, cluster: Cluster) -> list[Practice]:
    """Blanks the list sizes of other practices for people without core.view_list_sizes (members). The
    data pages show other practices under pseudonyms with their sizes; sizes beside names in the
    register would let a member match the two (docs/privacy.md). The objects are for display only."""
    if person.has_perm("core.view_list_sizes", cluster):
        return practices
    own = getattr(person, "practice_id", None)
    for practice in practices:
        if practice.pk != own:
            practice.listed_patients = None
            practice.listed_patients_date = None
    return practices


def practice_ids_with_status(*, cluster: Cluster, status: str, day: dt.date | None = None) -> set[int]:
    return {
        m.practice_id
        for m in cluster_memberships(cluster=cluster, day=day, include_left=True)
        if m.status == status
    }


def cluster_practice_get(*, cluster: Cluster, practice_id: int) -> Practice:
    """A practice of this cluster (any status), or 404: an id from a URL is never looked up unscoped."""
    try:
        membership = cluster.memberships.select_related("practice").get(practice_id=practice_id)
    except (Membership.DoesNotExist, ValueError, TypeError, OverflowError):  # an id no database holds
        raise Http404("Praksis findes ikke i klyngen")
    practice = membership.practice
    practice.membership = membership
    practice.membership_status = membership_status(membership)
    return practice


def _roles_cache(person) -> dict:
    """The request's roles of the person, per (cluster id, day). Attribute access, not __dict__:
    request.user is a lazy wrapper that hands attributes to the person inside it, so the tenancy check
    (given the wrapper) and a view's own object share one cache."""
    cache = getattr(person, "_klynge_roles", None)
    if cache is None:
        cache = person._klynge_roles = {}
    return cache


def roles_of(person: Person, cluster: Cluster, day: dt.date | None = None) -> frozenset[str]:
    """The person's current roles in the cluster, cached on the person object for the request."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    day = day or timezone.localdate()
    cache = _roles_cache(person)
    key = (cluster.pk, day)
    if key not in cache:
        rows = _ROLES_OF.rows(person_id=person.pk, cluster_id=cluster.pk, day=day)
        cache[key] = frozenset(role for (role,) in rows)
    return cache[key]


def cluster_by_slug(slug: str, person=None) -> Cluster | None:
    """The cluster with this slug, or None. With a logged-in `person`, the same query reads their roles
    in it today and keeps them for `roles_of`: every cluster page and API call asks for both."""
    if not getattr(person, "is_authenticated", False):
        row = _CLUSTER_BY_SLUG.first(slug=slug)
        return instance(Cluster, row) if row else None
    day = timezone.localdate()
    rows = _CLUSTER_AND_ROLES.rows(slug=slug, person_id=person.pk, day=day)
    if not rows:
        return None
    cluster = instance(Cluster, rows[0][:-1])
    roles = frozenset(row[-1] for row in rows if row[-1] is not None)
    _roles_cache(person)[(cluster.pk, day)] = roles
    return cluster


# Compiled once (core/prepared.py): the cluster, and the cluster with one row per role the person
# holds in it on the day (one row with no role when none).
_CLUSTER_BY_SLUG = Prepared(
    lambda slug: Cluster.objects.filter(slug=slug).order_by().values_list(*fields_of(Cluster)),
    slug=str,
)
_CLUSTER_AND_ROLES = Prepared(
    lambda slug, person_id, day: (
        Cluster.objects.filter(slug=slug)
        .annotate(
            held=FilteredRelation(
                "role_assignments",
                condition=Q(role_assignments__person_id=person_id) & current_on(day, "role_assignments__"),
            )
        )
        .order_by()
        .values_list(*fields_of(Cluster), "held__role")
    ),
    slug=str,
    person_id=int,
    day=dt.date,
)

# Every permission check asks for the caller's roles: compiled once (core/prepared.py).
_ROLES_OF = Prepared(
    lambda person_id, cluster_id, day: (
        RoleAssignment.objects.current(day)
        .filter(person_id=person_id, cluster_id=cluster_id)
        .order_by()
        .values_list("role")
    ),
    person_id=int,
    cluster_id=int,
    day=dt.date,
)


def is_board(person: Person, cluster: Cluster) -> bool:
    return bool(roles_of(person, cluster) & BOARD_ROLES)


def is_member(person: Person, cluster: Cluster) -> bool:
    return bool(roles_of(person, cluster) & MEMBER_ROLES)


def is_reader(person: Person, cluster: Cluster) -> bool:
    return bool(roles_of(person, cluster) & (MEMBER_ROLES | ADVISER_ROLES))


def practice_count_annotation(day: dt.date | None = None) -> Count:
    """The number of practices in a cluster that have not left it, for Cluster.annotate().

    Distinct, because the cluster rows it annotates are often joined to a person's several roles.
    """
    day = day or timezone.localdate()
    left = MembershipPeriod.objects.filter(status=MembershipStatus.LEFT, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day)
    )
    return Count("memberships", distinct=True, filter=~Q(memberships__in=left.values("membership_id")))


def clusters_for_person(person: Person) -> QuerySet[Cluster]:
    return Cluster.objects.filter(
        role_assignments__in=RoleAssignment.objects.current().filter(person=person)
    ).distinct()


def cluster_people(
    *, cluster: Cluster, day: dt.date | None = None, roles: Iterable[str] | None = None
) -> list[Person]:
    """People with a current role in the cluster, each with `.cluster_roles` (role values, sorted)."""
    assignments = (
        RoleAssignment.objects.current(day).filter(cluster=cluster).select_related("person__practice")
    )
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    people: dict[int, Person] = {}
    person_roles: dict[int, list[str]] = defaultdict(list)
    for assignment in assignments:
        people.setdefault(assignment.person_id, assignment.person)
        person_roles[assignment.person_id].append(assignment.role)
    order = {value: index for index, value in enumerate(Role.values)}
    for person_id, person in people.items():
        person.cluster_roles = sorted(person_roles[person_id], key=order.__getitem__)
    return sorted(people.values(), key=lambda p: p.name.lower())


def cluster_person_get(*, cluster: Cluster, person_id: int) -> Person:
    """A person who has or had a role in the cluster, or 404."""
    try:
        return Person.objects.select_related("practice").get(pk=person_id, role_assignments__cluster=cluster)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("Personen findes ikke i klyngen")
    except Person.MultipleObjectsReturned:
        return Person.objects.select_related("practice").filter(pk=person_id).first()


def cluster_board(*, cluster: Cluster, day: dt.date | None = None) -> list[tuple[str, Person]]:
    """(role label, person) for the board, chair first."""
    board_roles = [
        Role.CHAIR,
        Role.VICE_CHAIR,
        Role.TREASURER,
        Role.BOARD_MEMBER,
        Role.ALTERNATE,
        Role.COORDINATOR,
    ]
    rank = {role: index for index, role in enumerate(board_roles)}
    assignments = (
        RoleAssignment.objects.current(day)
        .filter(cluster=cluster, role__in=board_roles)
        .select_related("person__practice")
    )
    ordered = sorted(assignments, key=lambda a: (rank[a.role], a.person.name))
    return [(a.get_role_display(), a.person) for a in ordered]


def practice_status_of(person: Person, cluster: Cluster, day: dt.date | None = None) -> str | None:
    """The cluster membership status (active, suspended, left) of the person's practice on the day;
    None for a person without a practice in the cluster. Cached on the person object like `roles_of`."""
    if not getattr(person, "is_authenticated", False) or not person.practice_id:
        return None
    day = day or timezone.localdate()
    cache = person.__dict__.setdefault("_klynge_practice_status", {})
    key = (cluster.pk, day)
    if key not in cache:
        membership = Membership.objects.filter(cluster=cluster, practice_id=person.practice_id).first()
        cache[key] = membership_status(membership, day) if membership else None
    return cache[key]


def cluster_people_primed(*, cluster: Cluster, day: dt.date) -> list[Person]:
    """`cluster_people` with each person's roles and practice status of the day already cached, so that
    the permission rules can be asked for everyone without a query per person."""
    statuses = {
        m.practice_id: m.status for m in cluster_memberships(cluster=cluster, day=day, include_left=True)
    }
    people = cluster_people(cluster=cluster, day=day)
    for person in people:
        person.__dict__.setdefault("_klynge_roles", {})[(cluster.pk, day)] = frozenset(person.cluster_roles)
        person.__dict__.setdefault("_klynge_practice_status", {})[(cluster.pk, day)] = statuses.get(
            person.practice_id
        )
    return people


def active_members(*, cluster: Cluster, day: dt.date | None = None) -> tuple[list[Person], list[Person]]:
    """(people to invite, people left out because their practice is on hold or has left)."""
    day = day or timezone.localdate()
    inactive_practices = {
        m.practice_id
        for m in cluster_memberships(cluster=cluster, day=day, include_left=True)
        if m.status != MembershipStatus.ACTIVE
    }
    included, excluded = [], []
    for person in cluster_people(cluster=cluster, day=day, roles=MEMBER_ROLES):
        (excluded if person.practice_id in inactive_practices else included).append(person)
    return included, excluded


def all_clusters() -> QuerySet[Cluster]:
    """Every cluster on the platform (platform staff's list)."""
    return Cluster.objects.all()


def people_per_practice(*, cluster: Cluster, practices: Iterable[Practice]) -> dict[int, int]:
    """practice id → the number of people with a current role in the cluster from that practice."""
    return dict(
        RoleAssignment.objects.current()
        .filter(cluster=cluster, person__practice__in=[p.pk for p in practices])
        .values_list("person__practice")
        .annotate(n=Count("person", distinct=True))
    )


def person_role_history(*, cluster: Cluster, person: Person) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(cluster=cluster, person=person).order_by("-starts_on")


def cluster_role_assignment_get(*, cluster: Cluster, person: Person, assignment_id: int) -> RoleAssignment:
    assignment = RoleAssignment.objects.filter(cluster=cluster, person=person, pk=assignment_id).first()
    if assignment is None:
        raise Http404("Rollen findes ikke")
    return assignment


def cluster_audit_events(*, cluster: Cluster) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(cluster=cluster).select_related("actor")


def api_tokens_of(person: Person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True)


def api_token_by_secret(secret: str) -> ApiToken | None:
    """The live token with this secret of an active person, or None."""
    row = _TOKEN_BY_DIGEST.first(digest=ApiToken.digest_of(secret))
    if row is None:
        return None
    token_columns = len(_TOKEN_FIELDS)
    token = instance(ApiToken, row[:token_columns])
    token.person = instance(Person, row[token_columns:])
    return token


# Every API call looks its token up: compiled once (core/prepared.py), the person in the same row.
_TOKEN_FIELDS = fields_of(ApiToken)
_TOKEN_BY_DIGEST = Prepared(
    lambda digest: (
        ApiToken.objects.filter(digest=digest, revoked_at__isnull=True, person__is_active=True)
        .order_by("pk")
        .values_list(*_TOKEN_FIELDS, *fields_of(Person, "person__"))[:1]
    ),
    digest=str,
)
