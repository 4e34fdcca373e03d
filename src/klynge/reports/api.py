"""API routes of the reports: the annual report's draft, the chair's text, the redraft and the exports."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from klynge.core.api import ErrorOut, StrictSchema
from klynge.core.tenancy import cluster_for

from . import diff, exports, selectors, services

router = Router(tags=["reports"])


class DraftOut(Schema):
    year: int
    text: str
    fingerprint: str


class ReportOut(Schema):
    year: int
    generated_text: str
    edited_text: str
    fingerprint: str
    is_edited: bool
    records_changed: bool = False
    new_draft: str = ""
    changes: str = Field("", description="Hvad der er ændret i udkastet (unified diff, sætning for sætning)")
    generated_at: dt.datetime
    edited_at: dt.datetime | None


class TextIn(StrictSchema):
    model_config = ConfigDict(strict=True)
    text: str = Field(..., max_length=200_000)


class RegenerateIn(StrictSchema):
    model_config = ConfigDict(strict=True)
    take_new: bool = Field(..., description="true: brug det nye udkast; false: behold den redigerede tekst")
    fingerprint: str = Field(..., max_length=64, description="Fingeraftrykket fra det udkast, der blev vist")


class KindOut(Schema):
    kind: str
    label: str
    meetings: int
    attendance: int


class MeetingOut(Schema):
    date: dt.date
    kind: str
    title: str
    theme: str
    package: str
    members: int
    practices: int
    guests: int


class ActivityPracticeOut(Schema):
    name: str
    provider_number: str


class ActivityOut(Schema):
    year: int
    practices: list[ActivityPracticeOut]
    doctors: int
    doctors_attending: int
    practices_attending: int
    meetings_by_kind: list[KindOut]
    meetings: list[MeetingOut]
    topics: list[str]
    packages: list[str]
    projects_started: list[str]
    projects_taken_up: list[str]
    projects_revisited: list[str]


def _scope(request, slug: str, year: int, permission: str = "reports.view_reports"):
    cluster = cluster_for(request.user, slug, permission)
    return cluster, selectors.check_year(year)


def _report_out(report, cluster) -> dict:
    draft = selectors.draft_for(cluster=cluster, year=report.year)
    changed = draft.fingerprint != report.fingerprint
    return {
        "year": report.year,
        "generated_text": report.generated_text,
        "edited_text": report.edited_text,
        "fingerprint": draft.fingerprint if changed else report.fingerprint,
        "is_edited": report.is_edited,
        "records_changed": changed,
        "new_draft": draft.text if changed else "",
        "changes": diff.unified(report.generated_text, draft.text) if changed else "",
        "generated_at": report.generated_at,
        "edited_at": report.edited_at,
    }


def _report(cluster, year):
    report = selectors.annual_report_for(cluster=cluster, year=year)
    if report is None:
        raise Http404("Der er intet udkast endnu")
    return report


@router.get(
    "/clusters/{slug}/annual-reports/{year}/draft",
    response={200: DraftOut, 404: ErrorOut},
    summary="Klynges udkast til formandsberetningen, skrevet ud fra årets registreringer nu",
)
def annual_report_draft(request, slug: str, year: int):
    cluster, year = _scope(request, slug, year)
    draft = selectors.draft_for(cluster=cluster, year=year)
    return {"year": year, "text": draft.text, "fingerprint": draft.fingerprint}


@router.get(
    "/clusters/{slug}/annual-reports/{year}",
    response={200: ReportOut, 404: ErrorOut},
    summary="Den gemte beretning: udkast, redigeret tekst og om registreringerne er ændret siden",
)
def annual_report_get(request, slug: str, year: int):
    cluster, year = _scope(request, slug, year)
    return _report_out(_report(cluster, year), cluster)


@router.post(
    "/clusters/{slug}/annual-reports/{year}",
    response={201: ReportOut, 400: ErrorOut, 404: ErrorOut},
    summary="Gem Klynges udkast som årets beretning",
)
def annual_report_create(request, slug: str, year: int):
    cluster, year = _scope(request, slug, year, "reports.manage_reports")
    report = services.annual_report_create(cluster=cluster, year=year, by=request.user)
    return Status(201, _report_out(report, cluster))


@router.put(
    "/clusters/{slug}/annual-reports/{year}/text",
    response={200: ReportOut, 400: ErrorOut, 404: ErrorOut},
    summary="Gem formandens redigerede tekst (Markdown)",
)
def annual_report_text(request, slug: str, year: int, payload: TextIn):
    cluster, year = _scope(request, slug, year, "reports.manage_reports")
    report = services.annual_report_save(report=_report(cluster, year), text=payload.text, by=request.user)
    return _report_out(report, cluster)


@router.post(
    "/clusters/{slug}/annual-reports/{year}/regenerate",
    response={200: ReportOut, 400: ErrorOut, 404: ErrorOut},
    summary="Skriv udkastet igen; vælg at bruge det nye udkast eller beholde den redigerede tekst",
)
def annual_report_regenerate(request, slug: str, year: int, payload: RegenerateIn):
    cluster, year = _scope(request, slug, year, "reports.manage_reports")
    report = services.annual_report_regenerate(
        report=_report(cluster, year),
        take_new=payload.take_new,
        seen_fingerprint=payload.fingerprint,
        by=request.user,
    )
    return _report_out(report, cluster)


@router.get(
    "/clusters/{slug}/annual-reports/{year}/export/{fmt}",
    response={200: None, 404: ErrorOut},
    summary="Beretningen som PDF, Word (docx) eller Markdown (md)",
)
def annual_report_export(request, slug: str, year: int, fmt: str):
    cluster, year = _scope(request, slug, year)
    if fmt not in exports.FORMATS:
        raise Http404("Ukendt format")
    report = selectors.annual_report_for(cluster=cluster, year=year)
    text = report.edited_text if report else selectors.draft_for(cluster=cluster, year=year).text
    response = HttpResponse(
        exports.annual_report_export(cluster=cluster, year=year, text=text, fmt=fmt),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(cluster, year, fmt)}"'
    return response


@router.get(
    "/clusters/{slug}/activity-reports/{year}",
    response={200: ActivityOut, 404: ErrorOut},
    summary="Årets tal til KIAP's aktivitetsspørgeskema og aktivitetsrapport",
)
def activity_report(request, slug: str, year: int):
    cluster, year = _scope(request, slug, year)
    figures = selectors.activity_figures(cluster=cluster, year=year)
    return {
        "year": year,
        "practices": [{"name": p.name, "provider_number": p.provider_number} for p in figures.practices],
        "doctors": figures.doctors,
        "doctors_attending": figures.doctors_attending,
        "practices_attending": figures.practices_attending,
        "meetings_by_kind": [
            {"kind": r.kind, "label": r.label, "meetings": r.meetings, "attendance": r.attendance}
            for r in figures.by_kind
        ],
        "meetings": [
            {
                "date": m.date,
                "kind": m.kind,
                "title": m.meeting.title,
                "theme": m.meeting.theme,
                "package": m.package,
                "members": m.members,
                "practices": m.practices,
                "guests": m.guests,
            }
            for m in figures.meetings
        ],
        "topics": figures.topics,
        "packages": [title for title, _ in figures.packages],
        "projects_started": figures.projects_started,
        "projects_taken_up": figures.projects_taken_up,
        "projects_revisited": figures.projects_revisited,
    }


@router.get(
    "/clusters/{slug}/activity-reports/{year}/attendance-lists",
    response={200: None, 404: ErrorOut},
    summary="Årets deltagerlister til PLO i én PDF",
)
def attendance_lists(request, slug: str, year: int):
    cluster, year = _scope(request, slug, year)
    response = HttpResponse(
        exports.attendance_lists_pdf(cluster=cluster, year=year), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="deltagerlister-{cluster.slug}-{year}.pdf"'
    return response
