"""Permissions of the reports. The annual report and the activity report are the board's work."""

import rules

from klynge.core.rules import is_cluster_board, is_platform_staff

rules.add_perm("reports.view_reports", is_cluster_board | is_platform_staff)
rules.add_perm("reports.manage_reports", is_cluster_board | is_platform_staff)
