"""Demo records of the quality capability: five years of monthly synthetic data for both demo clusters.

Built with the generator and the real importers: prescription aggregates for every catalogue indicator,
the practices' own counts of certificates, and national reference values from a synthetic national
sample. In Klynge Gentofte the demo chair's practice (formand@gentofte.demo) has a real shift halfway
through: more penicillin V, fewer antibiotics and less tramadol, so its run charts show a signal.
Klynge Gentofte also counts a rare event of its own (referrals to the municipality's smoking-cessation
course), where some practices have 1-4 in a year: the demo shows how hidden small numbers look.
"""

import datetime as dt
import math
import random
import tempfile
from pathlib import Path

from django.utils import timezone

from klynge.core.models import Cluster, Person
from klynge.quality.generate import generate
from klynge.quality.services import (
    indicator_create,
    indicators_load_catalogue,
    measurements_import,
    prescriptions_import,
)

MONTHS = 60
DEMO_ATC_CODES = 60  # the catalogue's codes plus some others; the national benchmark uses 600


def _practices(cluster: Cluster):
    return [m.practice for m in cluster.memberships.select_related("practice").order_by("practice_id")]


def build_quality(today: dt.date | None = None) -> None:
    indicators_load_catalogue()
    today = today or timezone.localdate()
    # MONTHS of monthly data, the last one the month before `today`.
    first = today.year * 12 + today.month - 1 - MONTHS
    start = dt.date(first // 12, first % 12 + 1, 1)
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
                start=start,
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
        _rare_indicator(Path(folder), today=today)
        national = generate(
            out=Path(folder) / "national",
            practices=40,
            months=MONTHS,
            seed=99,
            n_atc=DEMO_ATC_CODES,
            start=start,
        )
        result = prescriptions_import(
            path=national.prescriptions,
            patients_path=national.patients,
            file_name="demo-landstal.csv",
            patients_file_name="demo-landstal-patienter.csv",
        )
        if result.errors:
            raise RuntimeError(f"Demo import failed: {result.errors[:3]}")


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: fine for the small monthly means used here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _rare_indicator(folder: Path, *, today: dt.date) -> None:
    """Klynge Gentofte's own indicator with small counts: referrals to the municipality's smoking-cessation
    course, about 1 per 1,000 listed patients a year, so the smaller practices have 1-4 in a year and are
    hidden ("–") from the others, and the cluster's figure is given without them."""
    cluster = Cluster.objects.filter(slug="gentofte").first()
    if cluster is None:
        return
    chair = Person.objects.filter(email="formand@gentofte.demo").first()
    indicator = indicator_create(
        cluster=cluster,
        by=chair,
        name_da="Henvisninger til kommunalt rygestopforløb pr. 1.000 tilmeldte patienter pr. år",
        code="rygestop-henvisninger",
        why="Klyngens eget projekt: flere rygere skal have tilbudt kommunens rygestopforløb. "
        "Tallene er små, så praksis med 1-4 henvisninger vises som – for de andre.",
        unit="per_1000_year",
        numerator_label="Antal henvisninger til kommunalt rygestopforløb (praksis' egen optælling)",
        denominator_label="Tilmeldte patienter",
        direction="high",
    )
    rng = random.Random(2024)
    first = today.year * 12 + today.month - 1 - MONTHS
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    practices = _practices(cluster)
    for index, practice in enumerate(practices):
        listed = practice.listed_patients or 3000
        # Two practices have only just started referring; the rest refer about 2.5 per 1,000 a year.
        per_1000 = 0.5 if index >= len(practices) - 2 else 2.5
        for m in range(MONTHS):
            month = first + m
            count = _poisson(rng, per_1000 * listed / 1000 / 12)
            lines.append(
                f"{practice.provider_number};{indicator.code};{month // 12}-{month % 12 + 1:02d};{count};{listed}"
            )
    path = folder / "rygestop.csv"
    path.write_text("\n".join(lines) + "\n")
    result = measurements_import(path=path, cluster=cluster, by=chair, file_name="rygestop.csv")
    if result.errors:
        raise RuntimeError(f"Demo import failed: {result.errors[:3]}")
