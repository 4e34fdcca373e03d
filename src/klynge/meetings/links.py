"""Which links on a meeting's page its guests may follow.

A guest sees one meeting and what the board shares with them through it, nothing else of the
cluster. A link on the agenda to any other page of the cluster (a package, a questionnaire's
results, a poll) would answer 404 to the guest, so it is shown as plain text instead. Apps whose
pages a guest can open through a meeting register them here (quality: a data view linked from the
agenda is shared with the meeting's guests).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from .models import Meeting

# url name -> check(link, resolver match kwargs, meeting) -> bool
_guest_pages: dict[str, Callable[[str, dict, Meeting], bool]] = {}


def _same_meeting(link: str, kwargs: dict, meeting: Meeting) -> bool:
    return kwargs.get("meeting_id") == meeting.pk


def register_guest_page(url_name: str, check: Callable[[str, dict, Meeting], bool] | None = None) -> None:
    """A page of the meeting's cluster that its guests may open when the meeting's page links to it."""
    _guest_pages[url_name] = check or (lambda link, kwargs, meeting: True)


register_guest_page("meetings:meeting_detail", _same_meeting)
register_guest_page("meetings:meeting_material", _same_meeting)


def guest_can_open(*, link: str, meeting: Meeting) -> bool:
    """True for an address outside Klynge, or a page of Klynge the meeting shares with its guests."""
    link = (link or "").strip()
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not link.startswith("/"):
        return (parts.scheme in ("http", "https") and bool(parts.netloc)) or parts.scheme == "mailto"
    try:
        match = resolve(parts.path)
    except Resolver404:
        return False
    check = _guest_pages.get(match.view_name)
    if check is None or match.kwargs.get("slug", meeting.cluster.slug) != meeting.cluster.slug:
        return False
    return check(link, match.kwargs, meeting)
