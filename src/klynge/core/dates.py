"""Danish dates, times and deadlines: one style for every app, every page, export and message.

Dates read »27/2 2023« (short) or »27. februar 2023« (long), a day without its year »14/3«, a
multi-day meeting »5/11-6/11«, a time »kl. 14:00«. Times are stored in UTC and always shown in
Danish time (Europe/Copenhagen), whatever time zone the process runs in: a deadline at 23:59 in
Copenhagen must not read as the day before.

Every app imports these instead of formatting dates itself (tests/test_dates.py checks that).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def _blank_for_none(format_moment):
    """No date or time shows as nothing (a meeting without an end, a poll without a closing time)."""

    @functools.wraps(format_moment)
    def wrapper(value):
        return "" if value is None else format_moment(value)

    return wrapper


def local(moment: dt.datetime) -> dt.datetime:
    """The moment in Danish time (a naive datetime is taken to be Danish already)."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=DANISH_TIME)
    return moment.astimezone(DANISH_TIME)


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The Danish calendar day of a moment (a date is returned as it is)."""
    if isinstance(value, dt.datetime):
        return local(value).date()
    return value


def today() -> dt.date:
    """Today's date in Denmark."""
    return local(timezone.now()).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); the 31st becomes the month's last day where it has none."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def day_month(value: dt.date | dt.datetime) -> str:
    """»14/3«: for places where the year is plain from the context."""
    day = local_date(value)
    return f"{day.day}/{day.month}"


def day_span(start: dt.date | dt.datetime, end: dt.date | dt.datetime | None = None) -> str:
    """»14/3«, or for a meeting over several days »5/11-6/11«."""
    if end is None or local_date(end) == local_date(start):
        return day_month(start)
    return f"{day_month(start)}-{day_month(end)}"


@_blank_for_none
def short_date(value: dt.date | dt.datetime) -> str:
    """»27/2 2023« (empty for no date)."""
    day = local_date(value)
    return f"{day.day}/{day.month} {day.year}"


@_blank_for_none
def long_date(value: dt.date | dt.datetime) -> str:
    """»27. februar 2023« (the month's name in the active language; empty for no date)."""
    return date_format(local_date(value), "j. F Y")


@_blank_for_none
def clock(moment: dt.datetime) -> str:
    """»14:00« in Danish time (empty for no time)."""
    return f"{local(moment):%H:%M}"


@_blank_for_none
def clock_seconds(moment: dt.datetime) -> str:
    """»14:00:07« in Danish time: a receipt that shows a vote was counted just now."""
    return f"{local(moment):%H:%M:%S}"


@_blank_for_none
def short_date_time(moment: dt.datetime) -> str:
    """»27/2 2023 kl. 14:00« in Danish time."""
    return f"{short_date(moment)} kl. {clock(moment)}"


@_blank_for_none
def long_date_time(moment: dt.datetime) -> str:
    """»27. februar 2023 kl. 14:00« in Danish time."""
    return f"{long_date(moment)} kl. {clock(moment)}"


@_blank_for_none
def stamp(moment: dt.datetime) -> str:
    """»27/2 2023 14:00«: a compact time stamp for logs and tables (audit log, import log, versions)."""
    return f"{short_date(moment)} {clock(moment)}"
