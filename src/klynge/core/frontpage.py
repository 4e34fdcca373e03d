"""Sections of a cluster's front page, contributed by each app in its AppConfig.ready().

A section is a callable (request, cluster) -> rendered HTML or None; None hides it, so the page shows
only what exists for this person.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from .models import Cluster

Section = Callable[[HttpRequest, Cluster], str | None]
_sections: list[tuple[int, Section]] = []


def register(section: Section, *, order: int = 50) -> Section:
    if all(existing is not section for _, existing in _sections):
        _sections.append((order, section))
        _sections.sort(key=lambda item: item[0])
    return section


def render_sections(request: HttpRequest, cluster: Cluster) -> list[str]:
    return [html for _, section in _sections if (html := section(request, cluster))]


_nav: list[tuple[int, str, str, str]] = []


def register_nav(
    *, label: str, url_name: str, permission: str = "core.view_cluster", order: int = 50
) -> None:
    """A link in the cluster's menu; `url_name` takes the cluster slug as its only argument."""
    if all(existing[2] != url_name for existing in _nav):
        _nav.append((order, label, url_name, permission))
        _nav.sort(key=lambda item: item[0])


def nav_items(user, cluster: Cluster) -> list[tuple[str, str]]:
    return [
        (label, url_name) for _, label, url_name, permission in _nav if user.has_perm(permission, cluster)
    ]


_home_sections: list[tuple[int, Callable[[HttpRequest], str | None]]] = []


def register_home(section: Callable[[HttpRequest], str | None], *, order: int = 50) -> None:
    """A section of the "Mine klynger" page, e.g. the meetings a guest is invited to."""
    if all(existing is not section for _, existing in _home_sections):
        _home_sections.append((order, section))
        _home_sections.sort(key=lambda item: item[0])


def render_home_sections(request: HttpRequest) -> list[str]:
    return [html for _, section in _home_sections if (html := section(request))]


@dataclass
class Waiting:
    """Something that waits for the person: a questionnaire to answer, a ballot, their project group."""

    kind: str  # »Spørgeskema«, »Afstemning«, »Projektgruppe«
    title: str
    url: str
    detail: str = ""  # »sidste svardag 24/8 2026«, »du er tovholder; næste skridt: ...«
    due: dt.date | None = None


_waiting: list[tuple[int, Callable[[HttpRequest, Cluster], list[Waiting]]]] = []


def register_waiting(provider: Callable[[HttpRequest, Cluster], list[Waiting]], *, order: int = 50) -> None:
    """What an app has waiting for the person, gathered in one list on the cluster's front page."""
    if all(existing is not provider for _, existing in _waiting):
        _waiting.append((order, provider))
        _waiting.sort(key=lambda item: item[0])


def waiting_for(request: HttpRequest, cluster: Cluster) -> list[Waiting]:
    """Everything waiting for the person, the soonest due first (undated last, in app order)."""
    items = [item for _, provider in _waiting for item in provider(request, cluster)]
    return sorted(items, key=lambda item: (item.due is None, item.due or dt.date.max))


def waiting_section(request: HttpRequest, cluster: Cluster) -> str | None:
    if not request.user.has_perm("core.view_cluster", cluster):
        return None
    return render_to_string(
        "core/_waiting.html", {"waiting": waiting_for(request, cluster), "cluster": cluster}, request=request
    )
