"""The annual report as PDF (WeasyPrint), Word (python-docx) and Markdown; the activity report as CSV;
the year's PLO attendance lists in one PDF."""

from __future__ import annotations

import base64
import io
import re

from django.template.loader import render_to_string
from django.utils import timezone

from klynge.core import vegalite
from klynge.core.dates import day_span
from klynge.core.exports import csv_writer
from klynge.core.markup import render_markdown
from klynge.core.models import Cluster
from klynge.meetings.exports import attendance_rows

from . import charts, selectors

FONT = "DejaVu Sans"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)


def filename(cluster: Cluster, year: int, fmt: str) -> str:
    return f"formandsberetning-{cluster.slug}-{year}.{fmt}"


def annual_report_export(*, cluster: Cluster, year: int, text: str, fmt: str) -> bytes:
    if fmt == "md":
        return markdown_export(text)
    figures = selectors.activity_figures(cluster=cluster, year=year)
    spec = charts.attendance_chart(figures, font=FONT)
    if fmt == "pdf":
        return pdf_export(cluster=cluster, year=year, text=text, chart=spec)
    if fmt == "docx":
        return docx_export(cluster=cluster, year=year, text=text, chart=spec)
    raise ValueError(f"unknown format {fmt!r}")


def markdown_export(text: str) -> bytes:
    return (text.rstrip() + "\n").encode("utf-8")


def markdown_html(text: str) -> str:
    """The Markdown as sanitised HTML, like the `render_markdown` filter but with the title as h1."""
    return render_markdown(text, title=True)


def pdf_export(*, cluster: Cluster, year: int, text: str, chart: dict | None) -> bytes:
    # WeasyPrint takes about a second to import; only the PDF exports need it.
    from weasyprint import HTML

    chart_uri = None
    if chart:
        svg = vegalite.to_svg(chart)
        chart_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    html = render_to_string(
        "reports/pdf/annual_report.html",
        {
            "cluster": cluster,
            "year": year,
            "body": markdown_html(text),
            "chart_uri": chart_uri,
            "font": FONT,
        },
    )
    return HTML(string=html).write_pdf()


# Word ------------------------------------------------------------------------------------------------

_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|_[^_]+_)")


def _add_runs(paragraph, text: str) -> None:
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif (part.startswith("*") and part.endswith("*")) or (part.startswith("_") and part.endswith("_")):
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part)


def _field(paragraph, instruction: str) -> None:
    # python-docx (with lxml) is loaded only for the Word export.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(end)


def docx_export(*, cluster: Cluster, year: int, text: str, chart: dict | None) -> bytes:
    """Headings with Word's own heading styles, bullets as lists: a document the board can edit."""
    # python-docx (with lxml) is loaded only for the Word export.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    document.core_properties.title = f"Formandsberetning {year} – {cluster.name}"
    document.core_properties.language = "da-DK"
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = cluster.name
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Side ")
    _field(footer, "PAGE")
    footer.add_run(" af ")
    _field(footer, "NUMPAGES")

    paragraph_lines: list[str] = []

    def flush() -> None:
        if paragraph_lines:
            _add_runs(document.add_paragraph(), " ".join(line.strip() for line in paragraph_lines))
            paragraph_lines.clear()

    for line in text.splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,4})\s+(.*)$", stripped)
        bullet = re.match(r"^[-*+]\s+(.*)$", stripped)
        number = re.match(r"^\d+[.)]\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            document.add_heading(heading.group(2).strip(), level=len(heading.group(1)))
        elif bullet:
            flush()
            _add_runs(document.add_paragraph(style="List Bullet"), bullet.group(1))
        elif number:
            flush()
            _add_runs(document.add_paragraph(style="List Number"), number.group(1))
        else:
            paragraph_lines.append(stripped)
    flush()
    if chart:
        document.add_heading("Deltagere pr. møde", level=2)
        document.add_picture(io.BytesIO(vegalite.to_png(chart)), width=Cm(15))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Activity report -------------------------------------------------------------------------------------


def activity_csv(figures) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["Klynge", figures.cluster.name])
    writer.writerow(["År", figures.year])
    writer.writerow(["Praksis", len(figures.practices)])
    writer.writerow(["Læger", figures.doctors])
    writer.writerow(["Læger, der deltog i mindst ét møde", figures.doctors_attending])
    writer.writerow(["Praksis, der deltog i mindst ét møde", figures.practices_attending])
    writer.writerow([])
    writer.writerow(["Mødetype", "Antal møder", "Deltagere i alt"])
    for row in figures.by_kind:
        writer.writerow([row.label, row.meetings, row.attendance])
    writer.writerow([])
    writer.writerow(
        ["Dato", "Mødetype", "Titel", "Tema", "Klyngepakke", "Kilde", "Deltagere", "Praksis", "Gæster"]
    )
    for m in figures.meetings:
        writer.writerow(
            [
                f"{day_span(m.date, m.end)} {m.date.year}",
                m.kind,
                m.meeting.title,
                m.meeting.theme,
                m.package,
                m.package_source,
                m.members,
                m.practices,
                m.guests,
            ]
        )
    writer.writerow([])
    writer.writerow(["Egne projekter", "Status i året"])
    for title in figures.projects_started:
        writer.writerow([title, "Sat i gang"])
    for title in figures.projects_taken_up:
        writer.writerow([title, "Taget op på møde"])
    for title in figures.projects_revisited:
        writer.writerow([title, "Genbesøgt"])
    writer.writerow([])
    writer.writerow(["Spørgeskema", "Svar", "Spurgt"])
    for title, answered, asked in figures.surveys:
        writer.writerow([title, answered, asked])
    writer.writerow([])
    writer.writerow(["Praksis", "Ydernummer"])
    for practice in figures.practices:
        writer.writerow([practice.name, practice.provider_number])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def attendance_lists_pdf(*, cluster: Cluster, year: int) -> bytes:
    """All of the year's PLO attendance lists in one PDF, one list per meeting, built with the meetings
    app's own attendance-list template and rows."""
    # WeasyPrint takes about a second to import; only the PDF exports need it.
    from weasyprint import HTML

    documents = []
    for meeting in selectors.attendance_meetings(cluster=cluster, year=year):
        members, guests = attendance_rows(meeting)
        html = render_to_string(
            "meetings/pdf/attendance.html", {"meeting": meeting, "members": members, "guests": guests}
        )
        documents.append(HTML(string=html).render())
    if not documents:
        html = render_to_string(
            "reports/pdf/no_attendance.html", {"cluster": cluster, "year": year, "now": timezone.now()}
        )
        return HTML(string=html).write_pdf()
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
