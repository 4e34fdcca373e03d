"""The one way a view or API handler gets at a cluster: by slug, after a permission check.

- `cluster_for(user, slug, permission)`: the cluster, when the user has `permission` on it.
- `cluster_view(permission)`: the same as a view decorator; the view gets `(request, cluster, ...)`.
- `cluster_view(permission, target=..., key=...)`: for a page whose permission is on one object of
  the cluster rather than on the whole cluster (a meeting its guests may see, an indicator a meeting
  shared with them). `target(cluster=cluster, <key>=<value from the URL>)` looks the object up inside
  the cluster (404 when it is not there); the permission is checked on that object, and the view gets
  `(request, cluster, obj, ...)`.
- `public_cluster(slug)`: the cluster for its public pages (what it publishes: values, board,
  public meetings), open to anyone.

Every answer for a cluster that does not exist or that the user may not see is the same 404, so a
URL tells nothing about which clusters exist. A page refused to someone who may see the cluster (a
board page opened by a member) is a 403 that says so: they know the cluster, and »Klyngen findes ikke«
would be wrong. The API answers 404 in both cases, as its schema says.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import selectors
from .models import Cluster

CLUSTER_NOT_FOUND = "Klyngen findes ikke"


def _cluster(slug: str, user=None) -> Cluster:
    cluster = selectors.cluster_by_slug(slug, user)
    if cluster is None:
        raise Http404(CLUSTER_NOT_FOUND)
    return cluster


class Refused(Http404):
    """The cluster exists but the user may not do this in it; to everyone it reads as `CLUSTER_NOT_FOUND`."""

    def __init__(self, cluster: Cluster):
        super().__init__(CLUSTER_NOT_FOUND)
        self.cluster = cluster


def _check(user, permission: str, obj, cluster: Cluster) -> None:
    if not user.is_authenticated or not user.has_perm(permission, obj):
        raise Refused(cluster)


def cluster_for(user, slug: str, permission: str = "core.view_cluster") -> Cluster:
    """The cluster, or 404 when it does not exist or the user may not see it (no existence leak)."""
    cluster = _cluster(slug, user)
    _check(user, permission, cluster, cluster)
    return cluster


def cluster_object_for(user, slug: str, permission: str, *, target: Callable, **lookup):
    """(cluster, object) for a permission on one object of the cluster; 404 as `cluster_for`."""
    if not user.is_authenticated:
        raise Http404(CLUSTER_NOT_FOUND)
    cluster = _cluster(slug, user)
    obj = target(cluster=cluster, **lookup)
    _check(user, permission, obj, cluster)
    return cluster, obj


def public_cluster(slug: str) -> Cluster:
    """The cluster for its public pages, which anyone may see."""
    return _cluster(slug)


REFUSED_INSIDE = "Du har ikke adgang til denne side i klyngen."


def cluster_view(permission: str = "core.view_cluster", *, target: Callable | None = None, key: str = ""):
    """Decorator: resolves `slug` to `cluster` (and `key` to the object `target` finds) for the view
    after the permission check; a refusal is a 403 for someone who may see the cluster, else a 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                if target is None:
                    request.cluster, objects = cluster_for(request.user, slug, permission), ()
                else:
                    request.cluster, obj = cluster_object_for(
                        request.user, slug, permission, target=target, **{key: kwargs.pop(key)}
                    )
                    objects = (obj,)
            except Refused as refused:
                if not request.user.has_perm("core.view_cluster", refused.cluster):
                    raise
                request.cluster = refused.cluster  # the refusal page shows the cluster's menu and a way back
                raise PermissionDenied(REFUSED_INSIDE) from refused
            return view(request, request.cluster, *objects, *args, **kwargs)

        return wrapper

    return decorator
