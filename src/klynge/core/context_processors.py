from functools import lru_cache

from django.urls import get_script_prefix, reverse

from . import frontpage


@lru_cache(maxsize=4096)
def _nav_url(url_name: str, slug: str, prefix: str) -> str:
    """A menu link is the same for a slug under the same prefix (the URLconf is fixed while the process
    runs); every cluster page draws the whole menu, and reversing is a third of the base template's time."""
    return reverse(url_name, kwargs={"slug": slug})


def cluster_nav(request):
    cluster = getattr(request, "cluster", None)
    if cluster is None:
        return {}
    # Every template rendered with the request runs this, each front-page section too: the menu's
    # permission checks are made once per request.
    items = getattr(request, "_cluster_nav", None)
    if items is None:
        items = request._cluster_nav = [
            (str(label), _nav_url(url_name, cluster.slug, get_script_prefix()))
            for label, url_name in frontpage.nav_items(request.user, cluster)
        ]
    return {"cluster": cluster, "cluster_nav": items}
