"""Permissions of the meetings app. Cluster permissions take the cluster as the object."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

from . import selectors


@rules.predicate
def reads_the_meetings_cluster(user, meeting) -> bool:
    return user.has_perm("meetings.view_meetings", meeting.cluster)


@rules.predicate
def is_guest_of_meeting(user, meeting) -> bool:
    return selectors.is_meeting_guest(meeting=meeting, person=user)


rules.add_perm("meetings.view_meetings", is_cluster_reader | is_platform_staff)
rules.add_perm("meetings.manage_meetings", is_cluster_board | is_platform_staff)


@rules.predicate
def is_national_package(user, package) -> bool:
    return package.is_national


@rules.predicate
def keeps_the_package_library(user, package) -> bool:
    return package.cluster is not None and user.has_perm("meetings.manage_library", package.cluster)


@rules.predicate
def minutes_approved(user, meeting) -> bool:
    return meeting.minutes_approved_at is not None


@rules.predicate
def manages_the_meetings_cluster(user, meeting) -> bool:
    return user.has_perm("meetings.manage_meetings", meeting.cluster)


# One meeting (the object): the cluster's readers, and the guests invited to that meeting alone.
rules.add_perm("meetings.view_meeting", reads_the_meetings_cluster | is_guest_of_meeting)
rules.add_perm("meetings.answer", is_cluster_member)
rules.add_perm("meetings.view_library", is_cluster_reader | is_platform_staff)
rules.add_perm("meetings.manage_library", is_cluster_board | is_platform_staff)
# National packages are kept by platform staff only.
rules.add_perm("meetings.manage_national_packages", is_platform_staff)
# A package (the object): a cluster's own by its board, a national one by platform staff only.
rules.add_perm(
    "meetings.edit_package",
    (is_national_package & is_platform_staff) | (~is_national_package & keeps_the_package_library),
)
# A meeting's minutes (the object): the cluster's readers once approved, the board while they are
# drafted; a guest of the meeting never (they may see the meeting, not the cluster's record of it).
rules.add_perm(
    "meetings.read_minutes", manages_the_meetings_cluster | (minutes_approved & reads_the_meetings_cluster)
)
