"""Danish dates, times and deadlines: one style for every app, every page, export and message.

Dates read »27/2 2023« (short) or »27. februar 2023« (long), a day without its year »14/3«, a
multi-day meeting »5/11-6/11«, a time »kl. 14:00«. Times are stored in UTC and always shown in
Danish time (Europe/Copenhagen), whatever time zone the process runs in: a deadline at 23:59 in
Copenhagen must not read as the day before.

Every app imports these instead of formatting dates itself (tests/test_dates.py checks that).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


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


def day_month(value: dt.date | dt.datetime) -> str:
    """»14/3«: for places where the year is plain from the context."""
    day = local_date(value)
    return f"{day.day}/{day.month}"


def day_span(start: dt.date | dt.datetime, end: dt.date | dt.datetime | None = None) -> str:
    """»14/3«, or for a meeting over several days »5/11-6/11«."""
    if end is None or local_date(end) == local_date(start):
        return day_month(start)
    return f"{day_month(start)}-{day_month(end)}"


def short_date(value: dt.date | dt.datetime | None) -> str:
    """»27/2 2023« (empty for no date)."""
    if value is None:
        return ""
    day = local_date(value)
    return f"{day.day}/{day.month} {day.year}"


def long_date(value: dt.date | dt.datetime | None) -> str:
    """»27. februar 2023« (the month's name in the active language; empty for no date)."""
    if value is None:
        return ""
    return date_format(local_date(value), "j. F Y")


def clock(moment: dt.datetime | None) -> str:
    """»14:00« in Danish time (empty for no time)."""
    if moment is None:
        return ""
    return f"{local(moment):%H:%M}"


def clock_seconds(moment: dt.datetime | None) -> str:
    """»14:00:07« in Danish time: a receipt that shows a vote was counted just now."""
    if moment is None:
        return ""
    return f"{local(moment):%H:%M:%S}"


def short_date_time(moment: dt.datetime | None) -> str:
    """»27/2 2023 kl. 14:00« in Danish time."""
    if moment is None:
        return ""
    return f"{short_date(moment)} kl. {clock(moment)}"


def long_date_time(moment: dt.datetime | None) -> str:
    """»27. februar 2023 kl. 14:00« in Danish time."""
    if moment is None:
        return ""
    return f"{long_date(moment)} kl. {clock(moment)}"


def stamp(moment: dt.datetime | None) -> str:
    """»27/2 2023 14:00«: a compact time stamp for logs and tables (audit log, import log, versions)."""
    if moment is None:
        return ""
    return f"{short_date(moment)} {clock(moment)}"
