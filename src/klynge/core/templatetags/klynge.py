"""Template helpers available in every template (see TEMPLATES builtins)."""

import datetime as dt

import markdown
import nh3
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from klynge.core.text import counted as _counted

register = template.Library()

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


@register.filter
def short_date(value) -> str:
    """27/2 2023"""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day}/{value.month} {value.year}"


@register.filter
def long_date(value) -> str:
    """27. februar 2023"""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j. F Y")


@register.filter
def counted(value, forms: str) -> str:
    """{{ n|counted:"prik,prikker" }} gives "1 prik" or "3 prikker"."""
    singular, _, plural = forms.partition(",")
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    return _counted(n, singular, plural or singular)


@register.filter
def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=MARKDOWN_TAGS, link_rel="noopener noreferrer"))  # noqa: S308


@register.simple_tag(takes_context=True)
def active_if(context, prefix: str) -> str:
    request = context.get("request")
    return "active" if request is not None and request.path.startswith(prefix) else ""
