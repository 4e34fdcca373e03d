"""The exports read back: PDF through pdftotext, Word through python-docx, Markdown as text."""

import io
import subprocess

import docx
from django.core.management import call_command

from klynge.reports import exports, selectors, services

FACTS = [
    "Klynge Øresund Nord har i 2024 afholdt tre klyngemøder og et internat.",
    "den 11/3 som generalforsamling",
    "Klyngemødet den 3/6 på Hellerup Strandhotel havde temaet antibiotika til børn",
    "Internatet blev afholdt den 4/10-5/10 på Hotel Marienlyst med temaet arbejdsglæde og trivsel.",
    "lægerne fra Lægehuset ved Åen",
    "forlænget til næste generalforsamling den 10/3 2025.",
    "Søren Ågård (Trivselshuset)",
    "Åse Øberg (PLO)",
    "Birgitte Ærø (Gribskov Kommune, Sundhed)",
    "»klagesager og kritik«",
    "Generalforsamling 10/3 Hellerup Strandhotel",
    "Klyngeinternat 3/10-4/10 Hotel Marienlyst",
]


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def export(year, fmt):
    cluster = year.world.cluster
    text = selectors.draft_for(cluster=cluster, year=2024).text
    return exports.annual_report_export(cluster=cluster, year=2024, text=text, fmt=fmt)


def test_pdf_holds_the_facts_with_the_clusters_name_and_page_numbers(year):
    content = export(year, "pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    body = flat(text)
    for fact in FACTS:
        assert flat(fact) in body, fact
    pages = text.split("\f")
    real_pages = [p for p in pages if p.strip()]
    assert real_pages, text
    for number, page in enumerate(real_pages, start=1):
        assert "Klynge Øresund Nord" in page  # the running header on every page
        assert f"Side {number} af {len(real_pages)}" in page
    assert "Deltagere pr. møde i 2024" in body  # the chart, drawn by vl-convert


def test_docx_has_real_headings_and_the_facts(year):
    document = docx.Document(io.BytesIO(export(year, "docx")))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Formandsberetning for 2024") in headings
    assert ("Heading 2", "Generalforsamlingen") in headings
    assert ("Heading 2", "Internatet") in headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Generalforsamling 10/3 Hellerup Strandhotel" in bullets
    body = flat(" ".join(p.text for p in document.paragraphs))
    for fact in FACTS:
        assert flat(fact) in body, fact
    assert document.sections[0].header.paragraphs[0].text == "Klynge Øresund Nord"
    assert len(document.inline_shapes) == 1  # the chart


def test_markdown_is_the_text_itself(year):
    content = export(year, "md").decode("utf-8")
    assert content.startswith("# Formandsberetning for 2024\n")
    for fact in FACTS:
        assert flat(fact) in flat(content)


def test_exports_use_the_chairs_edited_text(year):
    cluster = year.world.cluster
    report = services.annual_report_create(cluster=cluster, year=2024, by=year.world.chair)
    services.annual_report_save(
        report=report,
        text=report.edited_text + "\nTak for et godt år – på gensyn i Ålsgårde!\n",
        by=year.world.chair,
    )
    content = exports.annual_report_export(cluster=cluster, year=2024, text=report.edited_text, fmt="md")
    assert "Ålsgårde" not in content.decode()  # the object given, not re-read
    report.refresh_from_db()
    assert "på gensyn i Ålsgårde" in pdf_text(
        exports.annual_report_export(cluster=cluster, year=2024, text=report.edited_text, fmt="pdf")
    )


def test_management_command_writes_each_format(year, tmp_path):
    slug = year.world.cluster.slug
    for fmt in ("pdf", "docx", "md"):
        target = tmp_path / f"beretning.{fmt}"
        call_command("annual_report", slug, "2024", "--format", fmt, "-o", str(target))
        assert target.stat().st_size > 100
    assert "Åse Øberg (PLO)" in (tmp_path / "beretning.md").read_text(encoding="utf-8")
    assert "Åse Øberg (PLO)" in flat(pdf_text((tmp_path / "beretning.pdf").read_bytes()))


def test_attendance_lists_hold_every_held_meeting_with_practice_and_provider_number(year):
    content = exports.attendance_lists_pdf(cluster=year.world.cluster, year=2024)
    text = pdf_text(content)
    pages = [p for p in text.split("\f") if p.strip()]
    # GA, two cluster meetings and the retreat; not the board meeting and not the cancelled one.
    assert sum("Deltagerliste" in p for p in pages) == 4
    assert "Klyngemøde om KOL" not in text
    assert "Bestyrelsesmøde" not in text
    assert "Lægehuset ved Åen" in text
    assert year.held.provider_number in text
    assert "Søren Ågård" not in text or "Gæster" in text


def test_activity_csv_has_the_figures(year):
    figures = selectors.activity_figures(cluster=year.world.cluster, year=2024)
    csv_text = exports.activity_csv(figures).decode("utf-8-sig")
    assert "Praksis;3" in csv_text
    assert "Generalforsamling;1;5" in csv_text
    assert "Klyngemøde;2;6" in csv_text
    assert "Antibiotika i almen praksis" in csv_text
    assert "Sårbare ældre efter udskrivelse;Taget op på møde" in csv_text
    assert f"Lægehuset ved Åen;{year.held.provider_number}" in csv_text


def test_pdf_export_logs_nothing_at_the_default_level(year, tmp_path, caplog):
    """WeasyPrint and fontTools report every step at INFO; the export prints nothing but its result."""
    import logging

    slug = year.world.cluster.slug
    with caplog.at_level(logging.INFO):
        call_command("annual_report", slug, "2024", "--format", "pdf", "-o", str(tmp_path / "b.pdf"))
    assert [f"{r.name}: {r.getMessage()}" for r in caplog.records] == []
    # Control: the same export with the libraries' loggers at INFO would have spoken.
    with (
        caplog.at_level(logging.INFO, logger="weasyprint"),
        caplog.at_level(logging.INFO, logger="fontTools"),
    ):
        call_command("annual_report", slug, "2024", "--format", "pdf", "-o", str(tmp_path / "c.pdf"))
    assert any(r.name.startswith(("weasyprint", "fontTools")) for r in caplog.records)
