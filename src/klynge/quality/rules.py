"""Permissions of the quality app (the cluster is the object)."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

from . import selectors


@rules.predicate
def reads_the_cluster_data(user, shown: selectors.ClusterIndicator) -> bool:
    return user.has_perm("quality.view_data", shown.cluster)


@rules.predicate
def is_guest_shown_the_indicator(user, shown: selectors.ClusterIndicator) -> bool:
    return selectors.shared_with_guest(cluster=shown.cluster, person=user, indicator_id=shown.indicator.pk)


# Readers (members, board, advisers) see the cluster's data views; platform staff see national figures only.
rules.add_perm("quality.view_data", is_cluster_reader | is_platform_staff)
# One indicator (a ClusterIndicator): the cluster's readers, and the guests of a meeting whose agenda
# links to it.
rules.add_perm("quality.view_indicator", reads_the_cluster_data | is_guest_shown_the_indicator)
# Members enter their own practice's counts for the cluster's own indicators.
rules.add_perm("quality.enter_counts", is_cluster_member)
# The board imports files, defines the cluster's own indicators and sets open data.
rules.add_perm("quality.manage_data", is_cluster_board)
