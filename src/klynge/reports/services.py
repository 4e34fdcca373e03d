"""Writes of the reports: the annual report's draft, the chair's text and the choice after a redraft."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from klynge.core.models import Cluster, Person
from klynge.core.services import ServiceError

from . import selectors
from .facts import as_snapshot
from .models import AnnualReport

MAX_TEXT = 200_000


@transaction.atomic
def annual_report_create(*, cluster: Cluster, year: int, by: Person | None = None) -> AnnualReport:
    """The first draft for the year, written from the records; the chair's text starts as the draft."""
    selectors.check_year(year)
    if AnnualReport.objects.select_for_update().filter(cluster=cluster, year=year).exists():
        raise ServiceError("Der er allerede et udkast til beretningen for dette år.")
    draft = selectors.draft_for(cluster=cluster, year=year)
    return AnnualReport.objects.create(
        cluster=cluster,
        year=year,
        generated_text=draft.text,
        edited_text=draft.text,
        fingerprint=draft.fingerprint,
        snapshot=as_snapshot(draft.facts),
        generated_at=timezone.now(),
    )


@transaction.atomic
def annual_report_save(*, report: AnnualReport, text: str, by: Person | None = None) -> AnnualReport:
    """Keeps the chair's edited text (Markdown)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ServiceError({"text": "Skriv beretningen, eller tag Klynges udkast."})
    if len(text) > MAX_TEXT:
        raise ServiceError({"text": "Beretningen er for lang."})
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    report.edited_text = text + "\n"
    report.edited_at = timezone.now()
    report.edited_by = by
    report.save(update_fields=["edited_text", "edited_at", "edited_by"])
    return report


@transaction.atomic
def annual_report_regenerate(
    *, report: AnnualReport, take_new: bool, seen_fingerprint: str, by: Person | None = None
) -> AnnualReport:
    """Writes a new draft from the records as they are now.

    The chair chooses: `take_new` replaces their text with the new draft; otherwise their text is kept
    as it is and only the stored draft (and its fingerprint) moves on. `seen_fingerprint` is the
    fingerprint of the draft the chair was shown: if the records changed again since, nothing is
    written, so the chair never takes a text they have not seen.
    """
    report = AnnualReport.objects.select_for_update().select_related("cluster").get(pk=report.pk)
    draft = selectors.draft_for(cluster=report.cluster, year=report.year)
    if seen_fingerprint != draft.fingerprint:
        raise ServiceError("Oplysningerne er ændret igen, siden siden blev vist. Se forskellene igen.")
    report.generated_text = draft.text
    report.fingerprint = draft.fingerprint
    report.snapshot = as_snapshot(draft.facts)
    report.generated_at = timezone.now()
    fields = ["generated_text", "fingerprint", "snapshot", "generated_at"]
    if take_new:
        report.edited_text = draft.text
        report.edited_at = timezone.now()
        report.edited_by = by
        fields += ["edited_text", "edited_at", "edited_by"]
    report.save(update_fields=fields)
    return report
