"""Benchmark of the prescription import at national scale.

Generates a national year (2,000 practices × 600 ATC codes × 12 months ≈ 14 million rows) into a
temporary folder, imports it with the real importer into a throwaway SQLite database (and into
PostgreSQL when BENCH_DATABASE_URL is set), and prints rows per second, peak memory and the ratio of
the import's time to a bare Polars read-and-group of the same file in the same run.

Run: .venv/bin/python bench/import_bench.py   (each import runs in a child process so that its peak
memory is measured on its own.) BENCH_DATABASE_URL must name a throwaway database: its public schema
is dropped. BENCH_POSTGRES=1 without it starts a throwaway server with bench.servers.postgres().
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRACTICES = int(os.environ.get("BENCH_PRACTICES", "2000"))
MONTHS = int(os.environ.get("BENCH_MONTHS", "12"))


def _setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    import django

    django.setup()


def child(database_url: str, folder: str) -> None:
    """Runs in a child process: migrate, load the catalogue and the register, import; prints JSON."""
    _setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    import polars as pl

    from klynge.core.models import Practice
    from klynge.quality.models import Measurement
    from klynge.quality.services import indicators_load_catalogue, prescriptions_import

    indicators_load_catalogue()
    numbers = pl.read_csv(Path(folder) / "tilmeldte.csv", separator=";", infer_schema=False)[
        "ydernummer"
    ].unique()
    Practice.objects.bulk_create(
        [Practice(name=f"Praksis {n}", provider_number=n) for n in numbers.to_list()]
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = prescriptions_import(
        path=Path(folder) / "recepter.csv",
        patients_path=Path(folder) / "tilmeldte.csv",
        file_name="recepter.csv",
    )
    seconds = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    started_again = time.perf_counter()
    again = prescriptions_import(
        path=Path(folder) / "recepter.csv",
        patients_path=Path(folder) / "tilmeldte.csv",
        file_name="recepter.csv",
    )
    seconds_again = time.perf_counter() - started_again
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "rows_read": result.rows_read,
                "written": result.created + result.replaced,
                "stored": Measurement.objects.count(),
                "seconds": seconds,
                "reimport_changed": again.created + again.replaced,
                "reimport_seconds": seconds_again,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_before_import_mb": rss_before / 1024,
            }
        )
    )


def bare_polars(path: Path) -> tuple[float, float]:
    """A bare read-and-group of the same file (streaming), in a child process: (seconds, peak MB)."""
    code = f"""
import polars as pl, time, resource, json
t = time.perf_counter()
out = (pl.scan_csv({str(path)!r}, separator=";", decimal_comma=True)
       .group_by(["ydernummer", "periode", pl.col("atc").str.slice(0, 3)])
       .agg(pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum())
       .collect(engine="streaming"))
print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds, peak = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, peak


def run_child(database_url: str, folder: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", database_url, folder], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate_child(folder: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from klynge.quality.generate import generate

    started = time.perf_counter()
    files = generate(out=Path(folder), practices=PRACTICES, months=MONTHS, seed=2026)
    print(json.dumps({"rows": files.rows, "seconds": time.perf_counter() - started}))


def main() -> None:
    # Every heavy step runs in its own child process: a child inherits its parent's peak RSS on Linux,
    # so the parent stays small and each figure is the step's own.
    with tempfile.TemporaryDirectory(prefix="klynge-bench-") as folder:
        out = subprocess.run(
            [sys.executable, __file__, "--generate", folder], check=True, capture_output=True, text=True
        )
        generated = json.loads(out.stdout.strip().splitlines()[-1])
        prescriptions = Path(folder) / "recepter.csv"
        size_mb = prescriptions.stat().st_size / 1e6
        print(
            f"Generated {generated['rows']:,} prescription rows ({size_mb:.0f} MB) for {PRACTICES} practices "
            f"× {MONTHS} months in {generated['seconds']:.1f} s"
        )
        bare_seconds, bare_peak = bare_polars(prescriptions)
        print(f"Bare Polars read-and-group: {bare_seconds:.2f} s, peak {bare_peak:.0f} MB")
        targets = [("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")]
        stack = contextlib.ExitStack()
        if os.environ.get("BENCH_DATABASE_URL"):
            targets.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
        elif os.environ.get("BENCH_POSTGRES"):
            sys.path.insert(0, str(ROOT))
            from bench.servers import postgres

            targets.append(("PostgreSQL", stack.enter_context(postgres())))
        with stack:
            _run_targets(targets, folder, bare_seconds)


def _run_targets(targets: list[tuple[str, str]], folder: str, bare_seconds: float) -> None:
    for label, url in targets:
        r = run_child(url, folder)
        print(
            f"{label}: imported {r['rows_read']:,} rows in {r['seconds']:.2f} s = "
            f"{r['rows_read'] / r['seconds']:,.0f} rows/s; wrote {r['written']:,} indicator values; "
            f"peak memory {r['peak_rss_mb']:.0f} MB (process, incl. Django {r['rss_before_import_mb']:.0f} MB); "
            f"import / bare Polars = {r['seconds'] / bare_seconds:.1f}×; "
            f"same file again: {r['reimport_changed']} values changed in {r['reimport_seconds']:.2f} s"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "--generate":
        generate_child(sys.argv[2])
    else:
        main()
