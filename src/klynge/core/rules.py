"""Permission predicates. Cluster permissions take the cluster as the object."""

import rules

from . import selectors


@rules.predicate
def is_platform_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False))


@rules.predicate
def is_cluster_board(user, cluster) -> bool:
    return cluster is not None and selectors.is_board(user, cluster)


@rules.predicate
def is_cluster_member(user, cluster) -> bool:
    return cluster is not None and selectors.is_member(user, cluster)


@rules.predicate
def is_cluster_reader(user, cluster) -> bool:
    return cluster is not None and selectors.is_reader(user, cluster)


# The state of a register record, which the services ask before they change it (so that the pages and
# the API refuse alike). The user is not asked: services call them as `predicate(None, record)`.


@rules.predicate
def has_left_the_cluster(user, membership) -> bool:
    """The practice of the membership has left the cluster, or its departure is recorded for a later day:
    a second departure would only move the first."""
    return selectors.departure_day(membership) is not None


@rules.predicate
def role_has_ended(user, assignment) -> bool:
    """The role has its last day recorded (in the past or ahead): ending it again would move it."""
    return assignment.ends_on is not None


rules.add_perm("core.view_cluster", is_cluster_reader | is_platform_staff)
rules.add_perm("core.view_register", is_cluster_reader | is_platform_staff)
rules.add_perm("core.manage_cluster", is_cluster_board | is_platform_staff)
rules.add_perm("core.manage_register", is_cluster_board | is_platform_staff)
# Creating a cluster is the platform's job; the new cluster's board then runs it.
rules.add_perm("core.create_cluster", is_platform_staff)
# Other practices' list sizes: the board (it keeps the register and imports the data files, which name
# every practice anyway) and platform staff. A member sees only their own practice's (docs/privacy.md).
rules.add_perm("core.view_list_sizes", is_cluster_board | is_platform_staff)
