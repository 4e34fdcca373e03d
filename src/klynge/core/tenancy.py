"""The one way a view or API handler gets at a cluster: by slug, after a permission check."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .models import Cluster


def cluster_for(user, slug: str, permission: str = "core.view_cluster") -> Cluster:
    """The cluster, or 404 when it does not exist or the user may not see it (no existence leak)."""
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None or not user.is_authenticated or not user.has_perm(permission, cluster):
        raise Http404("Klyngen findes ikke")
    return cluster


def cluster_view(permission: str = "core.view_cluster"):
    """Decorator: resolves `slug` to `cluster` for the view after the permission check."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.cluster = cluster_for(request.user, slug, permission)
            return view(request, request.cluster, *args, **kwargs)

        return wrapper

    return decorator
