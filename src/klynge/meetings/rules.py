"""Permissions of the meetings app. Cluster permissions take the cluster as the object."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

rules.add_perm("meetings.view_meetings", is_cluster_reader | is_platform_staff)
rules.add_perm("meetings.manage_meetings", is_cluster_board | is_platform_staff)
rules.add_perm("meetings.answer", is_cluster_member)
rules.add_perm("meetings.view_library", is_cluster_reader | is_platform_staff)
rules.add_perm("meetings.manage_library", is_cluster_board | is_platform_staff)
# National packages are kept by platform staff only.
rules.add_perm("meetings.manage_national_packages", is_platform_staff)
