"""Dates, times and deadlines have one Danish style, written by klynge.core.dates in Danish time.

The rule: no app formats a date itself. A template uses the filters (short_date, long_date, clock,
short_date_time, long_date_time, stamp), code calls klynge.core.dates. The scan below finds the
ways a date has been written by hand in this code base, each with an example that it catches.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from klynge.core import dates
from klynge.core.services import ServiceError

SRC = Path(__file__).resolve().parent.parent / "src" / "klynge"
ALLOWED = {SRC / "core" / "dates.py"}

# (pattern, an example it must catch, an example it must let pass)
CODE_RULES = [
    # strftime-style formats in f-strings or strftime calls: »05/03 2024«, »2024-03-05 14:00«
    (re.compile(r"%d/%m|%H[:.]%M|\.strftime\("), 'f"{day:%d/%m %Y}"', "dates.short_date_time(moment)"),
    # attribute arithmetic: f"{d.day}/{d.month} {d.year}"
    (re.compile(r"\{[\w.]*\bday\}/\{"), 'f"{local.day}/{local.month}"', 'f"{day_month(d)}"'),
    (re.compile(r"\{[\w.]*\bday\}/\{"), 'f"{day}/{month} {year}"', 'f"{n}/{total}"'),
]
# Form widgets must name the HTML input's own ISO format; that is not a displayed date.
WIDGET_FORMAT = re.compile(r"""(?:format|input_formats)\s*=\s*\[?\s*["']%Y-%m-%d""")

TEMPLATE_RULES = [
    (re.compile(r"\|\s*(?:date|time)\s*:"), '{{ t.at|date:"j/n Y H:i" }}', "{{ t.at|stamp }}"),
    (re.compile(r"\{%\s*now\s"), '{% now "Y" %}', "{{ year }}"),
]


def _code_files():
    for path in sorted(SRC.rglob("*.py")):
        if path in ALLOWED or "migrations" in path.parts:
            continue
        yield path


def _template_files():
    for ext in ("*.html", "*.txt"):
        yield from sorted(SRC.rglob(ext))


@pytest.mark.parametrize(("pattern", "bad", "good"), CODE_RULES)
def test_code_rules_catch_their_bad_example(pattern, bad, good):
    assert pattern.search(bad)
    assert not pattern.search(good)


@pytest.mark.parametrize(("pattern", "bad", "good"), TEMPLATE_RULES)
def test_template_rules_catch_their_bad_example(pattern, bad, good):
    assert pattern.search(bad)
    assert not pattern.search(good)


def test_form_widgets_may_name_the_html_inputs_iso_format():
    assert WIDGET_FORMAT.search('widget=DateTimeInput(format="%Y-%m-%dT%H:%M")')
    assert not WIDGET_FORMAT.search('f"åben til {closes:%d/%m %Y kl. %H:%M}"')


def test_no_app_formats_a_date_by_hand():
    found = []
    for path in _code_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WIDGET_FORMAT.search(line):
                continue
            if any(pattern.search(line) for pattern, _, _ in CODE_RULES):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "Format dates with klynge.core.dates:\n" + "\n".join(found)


def test_no_template_formats_a_date_by_hand():
    found = []
    for path in _template_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern, _, _ in TEMPLATE_RULES):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "Use the date filters (short_date, long_date, clock, stamp):\n" + "\n".join(found)


def test_the_danish_date_helpers_have_moved_out_of_reports():
    """Lower apps cannot import the top app, so the helpers live in core alone."""
    from klynge.reports import danish

    assert not {"day_month", "day_span", "full_date"} & set(vars(danish))


# The style itself --------------------------------------------------------------------------------

WINTER_EVENING = dt.datetime(2024, 3, 4, 23, 30, tzinfo=dt.UTC)  # 5/3 00:30 in Copenhagen (CET)
SUMMER_NOON = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.UTC)  # 14:00 in Copenhagen (CEST)


def test_times_are_shown_in_danish_time_whatever_the_active_time_zone():
    with timezone.override("UTC"):
        assert dates.short_date(WINTER_EVENING) == "5/3 2024"
        assert dates.short_date_time(SUMMER_NOON) == "1/7 2024 kl. 14:00"
        assert dates.stamp(WINTER_EVENING) == "5/3 2024 00:30"
    with timezone.override("America/New_York"):
        assert dates.clock(SUMMER_NOON) == "14:00"
        assert dates.local_date(WINTER_EVENING) == dt.date(2024, 3, 5)


def test_dates_have_no_leading_zeros_and_long_dates_name_the_month():
    assert dates.short_date(dt.date(2024, 3, 5)) == "5/3 2024"
    assert dates.day_month(dt.date(2024, 3, 5)) == "5/3"
    assert dates.day_span(dt.date(2024, 11, 5), dt.date(2024, 11, 6)) == "5/11-6/11"
    assert dates.day_span(dt.date(2024, 11, 5), dt.date(2024, 11, 5)) == "5/11"
    assert dates.long_date(dt.date(2023, 2, 27)) == "27. februar 2023"
    assert dates.long_date_time(SUMMER_NOON) == "1. juli 2024 kl. 14:00"
    assert dates.short_date(None) == dates.clock(None) == ""


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),  # no 31st in February: its last day
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 11, 15), 2, dt.date(2026, 1, 15)),
        (dt.date(2025, 3, 1), -12, dt.date(2024, 3, 1)),
        (dt.date(2025, 1, 1), -1, dt.date(2024, 12, 1)),
        (dt.date(2025, 8, 31), -6, dt.date(2025, 2, 28)),
    ],
)
def test_months_are_added_on_the_calendar(day, months, expected):
    assert dates.add_months(day, months) == expected


def test_the_template_filters_are_the_same_functions():
    rendered = Template(
        "{{ m|short_date }}|{{ m|long_date }}|{{ m|clock }}|{{ m|stamp }}|{{ m|clock_seconds }}"
    )
    with timezone.override("UTC"):
        text = rendered.render(Context({"m": SUMMER_NOON}))
    assert text == "1/7 2024|1. juli 2024|14:00|1/7 2024 14:00|14:00:00"


# The general assembly's deadline: computed once, one message --------------------------------------


def test_a_late_proposal_gets_the_same_message_as_agenda_item_and_as_motion(world):
    from klynge.decisions import services as decision_services
    from klynge.meetings import services as meeting_services
    from klynge.meetings.models import MeetingKind
    from tests.decisions.helpers import make_meeting

    world.cluster.motion_deadline_days = 14
    world.cluster.save()
    start = timezone.now() + dt.timedelta(days=5)
    assembly = make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, when=start)
    with pytest.raises(ServiceError) as as_motion:
        decision_services.motion_create(
            cluster=world.cluster, meeting=assembly, title="Nyt logo", text="...", submitter=world.member
        )
    with pytest.raises(ServiceError) as as_agenda_item:
        meeting_services.agenda_proposal_add(meeting=assembly, title="Nyt logo", responsible=world.member)
    motion_text, agenda_text = (" ".join(e.value.messages) for e in (as_motion, as_agenda_item))
    assert motion_text == agenda_text
    deadline = start - dt.timedelta(days=14)
    assert dates.short_date_time(deadline) in motion_text
    assert f"kl. {dates.clock(deadline)}" in motion_text and "(14 dage før)" in motion_text
