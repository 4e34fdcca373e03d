"""The PLO attendance list (PDF and CSV) and the minutes as PDF."""

from __future__ import annotations

import io

from django.template.loader import render_to_string

from klynge.core import dates
from klynge.core.exports import csv_writer

from .models import Meeting
from .selectors import meeting_agenda, meeting_participants


def attendance_rows(meeting: Meeting):
    """(members, guests) who are checked in; members with practice and ydernummer."""
    checked = [p for p in meeting_participants(meeting=meeting) if p.checked_in]
    return [p for p in checked if not p.is_guest], [p for p in checked if p.is_guest]


def attendance_csv(meeting: Meeting) -> bytes:
    members, guests = attendance_rows(meeting)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["Klynge", meeting.cluster.name])
    writer.writerow(["Møde", meeting.display_name])
    writer.writerow(["Dato", dates.short_date(meeting.starts_at)])
    writer.writerow(["Sted", ", ".join(p for p in (meeting.venue_name, meeting.venue_address) if p)])
    writer.writerow([])
    writer.writerow(["Type", "Navn", "Praksis", "Ydernummer", "Organisation", "Rolle"])
    for p in members:
        practice = p.person.practice
        writer.writerow(
            [
                "Deltager",
                p.person.name,
                practice.name if practice else "",
                practice.provider_number if practice else "",
                "",
                "",
            ]
        )
    for p in guests:
        writer.writerow(["Gæst", p.person.name, "", "", p.organisation, p.guest_role])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _pdf(html: str) -> bytes:
    # WeasyPrint takes about a second to import; only the PDF exports need it.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def attendance_pdf(meeting: Meeting) -> bytes:
    members, guests = attendance_rows(meeting)
    html = render_to_string(
        "meetings/pdf/attendance.html", {"meeting": meeting, "members": members, "guests": guests}
    )
    return _pdf(html)


def minutes_pdf(meeting: Meeting) -> bytes:
    html = render_to_string(
        "meetings/pdf/minutes.html",
        {
            "meeting": meeting,
            "items": meeting_agenda(meeting=meeting),
            "participants": attendance_rows(meeting),
        },
    )
    return _pdf(html)
