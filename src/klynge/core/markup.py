"""Markdown written by members (agendas, minutes, project texts, reports) as HTML that is safe to show.

One sanitiser for pages, PDF and Word: Markdown makes the HTML, nh3 (ammonia) keeps only the tags
below and adds rel="noopener noreferrer" to links, so a member's text can never run a script.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

MARKDOWN_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def render_markdown(text: str, *, title: bool = False) -> SafeString:
    """The Markdown as sanitised HTML; with `title`, a leading »# …« stays a page title (h1)."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    tags = MARKDOWN_TAGS | {"h1"} if title else MARKDOWN_TAGS
    return mark_safe(nh3.clean(html, tags=tags, link_rel="noopener noreferrer"))  # noqa: S308
