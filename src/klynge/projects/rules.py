"""Permissions of the project pipeline; the cluster is the object."""

import rules

from klynge.core.rules import is_cluster_board, is_cluster_member, is_cluster_reader, is_platform_staff

from . import selectors


@rules.predicate
def manages_the_projects_cluster(user, project) -> bool:
    return user.has_perm("projects.manage", project.cluster)


@rules.predicate
def is_in_project_group(user, project) -> bool:
    return selectors.is_group_member(project=project, person=user)


rules.add_perm("projects.view", is_cluster_reader | is_platform_staff)
rules.add_perm("projects.participate", is_cluster_member)
rules.add_perm("projects.manage", is_cluster_board | is_platform_staff)
# A project's description (the object): the group writes it together with the board; nobody else.
rules.add_perm("projects.edit_project", manages_the_projects_cluster | is_in_project_group)
