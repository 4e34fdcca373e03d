"""`klynge annual-report SLUG YEAR --format pdf|docx|md -o FILE`: the chair's annual report as a file.

Uses the chair's saved text when there is one, otherwise Klynge's draft from the records.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Cluster
from klynge.reports import exports, selectors


class Command(BaseCommand):
    help = "Skriver formandsberetningen for en klynge og et år som PDF, Word eller Markdown."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Klyngens korte navn, fx gentofte")
        parser.add_argument("year", type=int, help="Året, fx 2022")
        parser.add_argument("--format", dest="fmt", choices=exports.FORMATS, default="pdf")
        parser.add_argument(
            "-o", "--output", required=True, help="Filen, der skrives til (- for standard ud)"
        )

    def handle(self, *args, slug, year, fmt, output, **options):
        cluster = Cluster.objects.filter(slug=slug).first()
        if cluster is None:
            raise CommandError(f"Klyngen »{slug}« findes ikke.")
        if not selectors.FIRST_YEAR <= year <= 2100:
            raise CommandError("Året skal være et årstal, fx 2022.")
        report = selectors.annual_report_for(cluster=cluster, year=year)
        text = report.edited_text if report else selectors.draft_for(cluster=cluster, year=year).text
        content = exports.annual_report_export(cluster=cluster, year=year, text=text, fmt=fmt)
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        Path(output).write_bytes(content)
        source = "den gemte beretning" if report else "Klynges udkast"
        self.stdout.write(f"Skrev {output} ({len(content)} bytes) fra {source}.")
