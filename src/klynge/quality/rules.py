"""Permissions of the quality app (the cluster is the object)."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

# Readers (members, board, advisers) see the cluster's data views; platform staff see national figures only.
rules.add_perm("quality.view_data", is_cluster_reader | is_platform_staff)
# Members enter their own practice's counts for the cluster's own indicators.
rules.add_perm("quality.enter_counts", is_cluster_member)
# The board imports files, defines the cluster's own indicators and sets open data.
rules.add_perm("quality.manage_data", is_cluster_board)
