"""Permissions of the decisions capability; the object is the cluster."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

rules.add_perm("decisions.view", is_cluster_reader | is_platform_staff)
rules.add_perm("decisions.vote", is_cluster_member)
rules.add_perm("decisions.submit_motion", is_cluster_member)
rules.add_perm("decisions.manage", is_cluster_board | is_platform_staff)
