"""iCalendar (RFC 5545) entries for meetings: invitations, updates, cancellations and feeds."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Meeting, MeetingStatus

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")
PRODID = "-//Klynge//Kvalitetsklynger//DA"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@klynge"


def _event(meeting: Meeting, *, attendee=None, organizer_email: str | None = None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(meeting.starts_at, TZ))
    event.add("dtend", timezone.localtime(meeting.ends_at, TZ))
    event.add("summary", meeting.short_name)
    location = ", ".join(p for p in (meeting.venue_name, meeting.venue_address) if p)
    if location:
        event.add("location", location)
    description = meeting.theme or ""
    if meeting.description:
        description = (description + "\n\n" + meeting.description).strip()
    if description:
        event.add("description", description)
    event.add(
        "url", settings.SITE_URL + reverse("meetings:meeting_detail", args=[meeting.cluster.slug, meeting.pk])
    )
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if organizer_email:
        event.add("organizer", f"mailto:{organizer_email}", parameters={"CN": meeting.cluster.name})
    if attendee is not None:
        event.add(
            "attendee",
            f"mailto:{attendee.email}",
            parameters={"CN": attendee.name, "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"},
        )
    return event


def _calendar(name: str | None = None, method: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/Copenhagen")
    return cal


VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Copenhagen
X-LIC-LOCATION:Europe/Copenhagen
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def _finish(cal: icalendar.Calendar) -> bytes:
    # The EU summer-time rule as RRULEs: compact, and valid past 2037 (unlike a list of dates).
    cal.subcomponents.insert(0, icalendar.Timezone.from_ical(VTIMEZONE.replace("\n", "\r\n")))
    return cal.to_ical()


def meeting_invitation_ics(meeting: Meeting, *, attendee=None, method: str = "REQUEST") -> bytes:
    """One meeting as an invitation (REQUEST) or a cancellation (CANCEL); same UID, current SEQUENCE."""
    cal = _calendar(method=method)
    cal.add_component(
        _event(
            meeting, attendee=attendee, organizer_email=settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">")
        )
    )
    return _finish(cal)


def feed_ics(meetings: Iterable[Meeting], *, name: str) -> bytes:
    cal = _calendar(name=name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return _finish(cal)
