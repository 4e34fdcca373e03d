import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Cluster
from klynge.quality.generate import generate


class Command(BaseCommand):
    help = "Skriver syntetiske receptdata og tilmeldte patienter i importformaterne (';' og decimalkomma)."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=30)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True)
        parser.add_argument("--atc", type=int, default=600, help="antal ATC-koder (standard 600)")
        parser.add_argument("--provider-numbers", help="fil med ét ydernummer pr. linje")
        parser.add_argument("--cluster", help="brug ydernumrene i denne klynge")

    def handle(
        self, *args, practices, months, seed, out, atc, provider_numbers=None, cluster=None, **options
    ):
        numbers = None
        if provider_numbers and cluster:
            raise CommandError("Brug enten --provider-numbers eller --cluster.")
        if provider_numbers:
            numbers = [n.strip() for n in Path(provider_numbers).read_text().split() if n.strip()]
        elif cluster:
            found = Cluster.objects.filter(slug=cluster).first()
            if found is None:
                raise CommandError(f"Klyngen {cluster} findes ikke.")
            numbers = list(found.memberships.values_list("practice__provider_number", flat=True))
        started = time.perf_counter()
        files = generate(
            out=Path(out), practices=practices, months=months, seed=seed, provider_numbers=numbers, n_atc=atc
        )
        self.stdout.write(
            f"{files.rows} receptrækker i {files.prescriptions}, patienter i {files.patients}, "
            f"egne optællinger i {files.measurements} ({time.perf_counter() - started:.1f} s)."
        )
