"""Permissions of the project pipeline; the cluster is the object."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

rules.add_perm("projects.view", is_cluster_reader | is_platform_staff)
rules.add_perm("projects.participate", is_cluster_member)
rules.add_perm("projects.manage", is_cluster_board | is_platform_staff)
