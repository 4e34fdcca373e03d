from django.urls import reverse

from . import frontpage


def cluster_nav(request):
    cluster = getattr(request, "cluster", None)
    if cluster is None:
        return {}
    # Every template rendered with the request runs this, each front-page section too: the menu's
    # permission checks are made once per request.
    items = getattr(request, "_cluster_nav", None)
    if items is None:
        items = request._cluster_nav = [
            (str(label), reverse(url_name, kwargs={"slug": cluster.slug}))
            for label, url_name in frontpage.nav_items(request.user, cluster)
        ]
    return {"cluster": cluster, "cluster_nav": items}
