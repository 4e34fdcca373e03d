"""Helpers for the tenant-isolation tests every app writes for its own routes."""

import re

from django.urls import URLPattern, URLResolver, get_resolver


def cluster_routes(namespace: str | None = None) -> list[tuple[str, str]]:
    """(route template, name) for every URL pattern that takes the cluster slug, optionally of one app."""

    def walk(patterns, prefix="", ns=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "<slug:slug>" in route and (namespace is None or ns == namespace):
                    yield route, pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def fill(route: str, slug: str, ids: dict[str, int]) -> str:
    """The URL of a route with the slug and ids given (ids not given become 1, other values 'x')."""

    def value(match):
        converter, name = match.group(1), match.group(2)
        if name == "slug":
            return slug
        if converter == "int":
            return str(ids.get(name, 1))
        return ids.get(name, "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def assert_routes_hidden(
    client, *, namespace: str, slug: str, ids: dict[str, int], min_routes: int = 1
) -> None:
    """Every page of the app answers 404 (or 405 for a GET on a POST-only view) for the slug and ids given.

    Use it twice: with another cluster's slug, and with your own cluster's slug and another cluster's ids.
    """
    routes = [(r, n) for r, n in cluster_routes(namespace) if not (n or "").startswith("public_")]
    assert len(routes) >= min_routes, f"only {len(routes)} routes found in {namespace}"
    for route, name in routes:
        url = fill(route, slug, ids)
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"name": "x"}).status_code == 404, f"POST {url} ({name})"
