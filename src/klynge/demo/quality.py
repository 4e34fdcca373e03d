"""Demo records of the quality capability: five years of monthly synthetic data for both demo clusters.

Built with the generator and the real importers: prescription aggregates for every catalogue indicator,
the practices' own counts of certificates, and national reference values from a synthetic national
sample. In Klynge Gentofte the demo chair's practice (formand@gentofte.demo) has a real shift halfway
through: more penicillin V, fewer antibiotics and less tramadol, so its run charts show a signal.
"""

import tempfile
from pathlib import Path

from klynge.core.models import Cluster, Person
from klynge.quality.generate import generate
from klynge.quality.services import indicators_load_catalogue, measurements_import, prescriptions_import

MONTHS = 60
DEMO_ATC_CODES = 60  # the catalogue's codes plus some others; the national benchmark uses 600


def _practices(cluster: Cluster):
    return [m.practice for m in cluster.memberships.select_related("practice").order_by("practice_id")]


def build_quality() -> None:
    indicators_load_catalogue()
    with tempfile.TemporaryDirectory(prefix="klynge-demo-") as folder:
        for index, slug in enumerate(("gentofte", "osterbro")):
            cluster = Cluster.objects.filter(slug=slug).first()
            if cluster is None:
                continue
            practices = _practices(cluster)
            numbers = [p.provider_number for p in practices]
            chair = Person.objects.filter(email=f"formand@{slug}.demo").select_related("practice").first()
            shifted = (
                [chair.practice.provider_number] if slug == "gentofte" and chair and chair.practice else []
            )
            out = Path(folder) / slug
            files = generate(
                out=out,
                months=MONTHS,
                seed=11 + index,
                provider_numbers=numbers,
                n_atc=DEMO_ATC_CODES,
                shifted=shifted,
                listed_patients={
                    p.provider_number: p.listed_patients for p in practices if p.listed_patients
                },
            )
            for result in (
                prescriptions_import(
                    path=files.prescriptions,
                    patients_path=files.patients,
                    cluster=cluster,
                    file_name="demo-recepter.csv",
                    patients_file_name="demo-tilmeldte.csv",
                ),
                measurements_import(path=files.measurements, cluster=cluster, file_name="demo-attester.csv"),
            ):
                if result.errors:
                    raise RuntimeError(f"Demo import failed: {result.errors[:3]}")
        national = generate(
            out=Path(folder) / "national", practices=40, months=MONTHS, seed=99, n_atc=DEMO_ATC_CODES
        )
        result = prescriptions_import(
            path=national.prescriptions,
            patients_path=national.patients,
            file_name="demo-landstal.csv",
            patients_file_name="demo-landstal-patienter.csv",
        )
        if result.errors:
            raise RuntimeError(f"Demo import failed: {result.errors[:3]}")
