"""Template helpers available in every template (see TEMPLATES builtins)."""

from django import template
from django.forms.boundfield import BoundWidget
from django.urls import Resolver404, resolve

from klynge.core import dates
from klynge.core.markup import render_markdown
from klynge.core.text import counted as _counted

register = template.Library()


# Dates and times: the one Danish style of klynge.core.dates, in Danish time.
register.filter("short_date", dates.short_date)
register.filter("long_date", dates.long_date)
register.filter("day_month", dates.day_month)
register.filter("clock", dates.clock)
register.filter("clock_seconds", dates.clock_seconds)
register.filter("short_date_time", dates.short_date_time)
register.filter("long_date_time", dates.long_date_time)
register.filter("stamp", dates.stamp)


@register.filter
def counted(value, forms: str) -> str:
    """{{ n|counted:"prik,prikker" }} gives "1 prik" or "3 prikker"."""
    singular, _, plural = forms.partition(",")
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    return _counted(n, singular, plural or singular)


register.filter("render_markdown", render_markdown)


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
