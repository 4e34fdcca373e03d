"""Reads compiled once (core/prepared.py) answer exactly as the ORM's own queries, for every value they
are given, with the values passed as parameters; a query they cannot run faithfully is refused."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klynge.core import selectors
from klynge.core.models import ApiToken, Cluster, Role, RoleAssignment
from klynge.core.prepared import Prepared, fields_of, instance
from klynge.core.services import api_token_create, api_token_revoke
from klynge.core.tenancy import cluster_for
from klynge.decisions import selectors as decision_selectors
from klynge.decisions.models import Poll
from tests.decisions.helpers import meeting_poll, online_poll
from tests.factories import ClusterWorld, give_role


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_poll_with_its_meeting_and_motion_is_the_orms(db):
    world = ClusterWorld("Klynge Forberedt")
    at_meeting = meeting_poll(world, check_in=[world.member])
    online = online_poll(world)
    for poll in (at_meeting, online):
        orm = Poll.objects.select_related("meeting", "motion").get(pk=poll.pk)
        got = decision_selectors.cluster_poll_get(cluster=world.cluster, poll_id=poll.pk)
        assert _fields(got) == _fields(orm)
        # Aware times, as the ORM gives them (SQLite stores them as text without a zone).
        assert got.created_at.tzinfo is not None
        with CaptureQueriesContext(connection) as captured:
            meeting = got.meeting
            assert got.motion is None and got.cluster == world.cluster
        assert not captured.captured_queries, "the meeting and cluster come with the poll"
        assert (meeting and _fields(meeting)) == (orm.meeting and _fields(orm.meeting))


def test_a_poll_of_another_cluster_or_a_bad_id_is_not_found(db):
    world, other = ClusterWorld("Klynge Ene"), ClusterWorld("Klynge Anden")
    poll = online_poll(other)
    for poll_id in (poll.pk, "x", None, 2**70):
        with pytest.raises(Http404):
            decision_selectors.cluster_poll_get(cluster=world.cluster, poll_id=poll_id)
    # Control: in its own cluster it is found, after the misses (the SQL is kept, not an answer).
    assert decision_selectors.cluster_poll_get(cluster=other.cluster, poll_id=poll.pk).pk == poll.pk


def test_roles_follow_the_day_asked_about(db):
    """The day is a parameter: the same compiled read answers for each day with that day's roles."""
    world = ClusterWorld("Klynge Dage")
    today = timezone.localdate()
    RoleAssignment.objects.filter(person=world.member, cluster=world.cluster).update(
        starts_on=today - dt.timedelta(days=10), ends_on=today + dt.timedelta(days=1)
    )
    give_role(world.cluster, world.member, Role.TREASURER, starts_on=today + dt.timedelta(days=1))
    person = type(world.member).objects.get(pk=world.member.pk)
    days = {
        today - dt.timedelta(days=11): frozenset(),
        today: frozenset({Role.MEMBER}),
        today + dt.timedelta(days=1): frozenset({Role.TREASURER}),
    }
    for day, roles in days.items():
        orm = frozenset(
            RoleAssignment.objects.current(day)
            .filter(person=person, cluster=world.cluster)
            .values_list("role", flat=True)
        )
        assert selectors.roles_of(person, world.cluster, day) == roles == orm


def test_the_slug_is_a_parameter_not_sql(db):
    world = ClusterWorld("Klynge Citat")
    for slug in ("' OR '1'='1", f"{world.cluster.slug}' --", "%", world.cluster.slug.upper()):
        with pytest.raises(Http404):
            cluster_for(world.chair, slug)
    # Control: the real slug finds it, and the cluster is the ORM's.
    assert _fields(cluster_for(world.chair, world.cluster.slug)) == _fields(
        Cluster.objects.get(pk=world.cluster.pk)
    )


def test_a_revoked_token_or_a_deactivated_person_is_not_found(db):
    world = ClusterWorld("Klynge Nøgler")
    token, secret = api_token_create(person=world.member, name="telefon")
    found = selectors.api_token_by_secret(secret)
    assert _fields(found) == _fields(ApiToken.objects.get(pk=token.pk))
    assert _fields(found.person) == _fields(world.member.__class__.objects.get(pk=world.member.pk))
    assert found.person.has_perm("core.view_cluster", world.cluster)
    assert selectors.api_token_by_secret(secret + "x") is None
    api_token_revoke(person=world.member, token_id=token.pk)
    assert selectors.api_token_by_secret(secret) is None
    token2, secret2 = api_token_create(person=world.member, name="ny")
    assert selectors.api_token_by_secret(secret2).pk == token2.pk
    world.member.__class__.objects.filter(pk=world.member.pk).update(is_active=False)
    assert selectors.api_token_by_secret(secret2) is None


def test_a_value_the_orm_would_rewrite_is_refused(db):
    """`name__contains` wraps the value in % signs: run with the bare value it would match less; the
    stand-in is not found among the parameters, so the read is refused rather than run wrong."""
    contains = Prepared(lambda name: Cluster.objects.filter(name__contains=name).values_list("pk"), name=str)
    with pytest.raises(ImproperlyConfigured):
        contains.rows(name="Klynge")
    # Control: the same read written with an exact match runs.
    ClusterWorld("Klynge Præcis")
    exact = Prepared(lambda name: Cluster.objects.filter(name=name).values_list("pk"), name=str)
    assert len(exact.rows(name="Klynge Præcis")) == 1


def test_a_locking_read_outside_a_transaction_is_refused(transactional_db):
    """As the ORM refuses select_for_update outside a transaction (a lock that ends at once)."""
    world = ClusterWorld("Klynge Lås")
    locked = Prepared(
        lambda pk: Cluster.objects.select_for_update().filter(pk=pk).values_list(*fields_of(Cluster)), pk=int
    )
    with transaction.atomic():
        (row,) = locked.rows(pk=world.cluster.pk)
    assert instance(Cluster, row).slug == world.cluster.slug
    with pytest.raises(TransactionManagementError):
        locked.rows(pk=world.cluster.pk)


def test_the_cluster_comes_with_the_callers_roles_of_today(db):
    """cluster_for reads the caller's roles with the cluster: the same roles as roles_of's own query,
    for someone with several roles, with an ended one, and with roles only in another cluster."""
    world, other = ClusterWorld("Klynge Roller"), ClusterWorld("Klynge Andre Roller")
    today = timezone.localdate()
    RoleAssignment.objects.filter(person=world.coordinator).update(ends_on=today)  # ended today
    outsider = other.member
    for person in (world.chair, world.member, world.coordinator, world.guest, outsider):
        fresh = type(person).objects.get(pk=person.pk)
        expected = frozenset(
            RoleAssignment.objects.current(today)
            .filter(person=fresh, cluster=world.cluster)
            .values_list("role", flat=True)
        )
        try:
            cluster_for(fresh, world.cluster.slug, "core.view_cluster")
            seen = True
        except Http404:
            seen = False
        with CaptureQueriesContext(connection) as captured:
            assert selectors.roles_of(fresh, world.cluster) == expected
        assert not captured.captured_queries, "the roles came with the cluster"
        assert seen == fresh.has_perm("core.view_cluster", world.cluster)
    assert selectors.roles_of(world.chair, world.cluster) >= {Role.CHAIR, Role.MEMBER}
    # Control: someone with no role in the cluster is refused, someone with one is let in.
    with pytest.raises(Http404):
        cluster_for(type(outsider).objects.get(pk=outsider.pk), world.cluster.slug)
    assert (
        cluster_for(type(world.member).objects.get(pk=world.member.pk), world.cluster.slug) == world.cluster
    )
