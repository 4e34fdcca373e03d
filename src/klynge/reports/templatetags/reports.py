"""The report's Markdown shown inside a page: headings moved down so the page keeps one h1."""

import re

from django import template

from klynge.core.markup import render_markdown

register = template.Library()


def shift_headings(text: str, levels: int = 2) -> str:
    def shift(match: re.Match) -> str:
        return "#" * min(len(match.group(1)) + levels, 6) + " "

    return re.sub(r"^(#{1,6})\s+", shift, text or "", flags=re.MULTILINE)


@register.filter
def report_markdown(text: str):
    """# title → h3 and ## section → h4 under the page's own h1 and h2, rendered by `render_markdown`."""
    return render_markdown(shift_headings(text))
