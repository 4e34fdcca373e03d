"""Template helpers available in every template (see TEMPLATES builtins)."""

import datetime as dt

import markdown
import nh3
from django import template
from django.forms.boundfield import BoundWidget
from django.urls import Resolver404, resolve
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


def _with_class(existing: str | None, css: str) -> str:
    classes = [c for c in (existing or "").split() if c not in {"form-input", "form-select", css}]
    return " ".join([css, *classes])


@register.filter
def toggle_input(bound) -> str:
    """A checkbox or radio button as the design system draws it: the input carries `form-checkbox`
    or `form-radio` and its label follows it (DKFDS 11; the class never goes on a wrapper).

    Takes a checkbox field (BoundField) or one option of a radio or checkbox list (BoundWidget).
    """
    if isinstance(bound, BoundWidget):
        css = "form-radio" if bound.data["type"] == "radio" else "form-checkbox"
        attrs = {**bound.data["attrs"], "class": _with_class(bound.data["attrs"].get("class"), css)}
        context = {"widget": {**bound.data, "attrs": attrs, "wrap_label": False}}
        return bound.parent_widget._render(bound.template_name, context, bound.renderer)
    return bound.as_widget(
        attrs={"class": _with_class(bound.field.widget.attrs.get("class"), "form-checkbox")}
    )


@register.simple_tag(takes_context=True)
def parent_page(context) -> str:
    """The nearest page above the current address (/k/x/moeder/3/dagsorden/nyt/ → /k/x/moeder/3/).

    A relative ".." is no substitute: it names /k/x/moeder/3/dagsorden/, which is no page.
    """
    request = context.get("request")
    segments = [s for s in (request.path if request else "/").split("/") if s]
    for end in range(len(segments) - 1, 0, -1):
        candidate = "/" + "/".join(segments[:end]) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"
