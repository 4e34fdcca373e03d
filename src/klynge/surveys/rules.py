"""Permissions of questionnaires; the cluster is the object."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

# Members see the questionnaires sent to the cluster and answer those they were asked.
rules.add_perm("surveys.view_surveys", is_cluster_member | is_cluster_reader | is_platform_staff)
# The board builds, sends and reminds; platform staff keep the platform-wide templates.
rules.add_perm("surveys.manage_surveys", is_cluster_board | is_platform_staff)
# Results are shown to the cluster at the meeting (hidden below the minimum count when anonymous).
rules.add_perm("surveys.view_results", is_cluster_reader | is_platform_staff)
