from django.urls import reverse

from . import frontpage


def cluster_nav(request):
    cluster = getattr(request, "cluster", None)
    if cluster is None:
        return {}
    items = [
        (str(label), reverse(url_name, kwargs={"slug": cluster.slug}))
        for label, url_name in frontpage.nav_items(request.user, cluster)
    ]
    return {"cluster": cluster, "cluster_nav": items}
