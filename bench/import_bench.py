"""Benchmark of the prescription import at national scale (issue 18, items 3 and 5).

Generates a national year (2,000 practices × 600 ATC codes × 12 months ≈ 14 million rows, ~495 MB) into a
temporary folder and measures, in rounds that alternate them:

* the same-work baseline: a bare Polars read of the same file with the import's parse options (the
  header's separator, the same column types, ATC codes as categories, decimal comma, strict UTF-8),
  filtered to the catalogue's ATC codes and grouped per practice, period and code with the same sums:
  the work no importer can skip;
* a bare read-and-group as the issue first measured it (types inferred, every row, grouped by the ATC
  code's first three characters), for reference;
* the real import (`prescriptions_import`, national file) into SQLite, and into PostgreSQL when asked
  (BENCH_POSTGRES=1 starts a throwaway server with fsync on; BENCH_DATABASE_URL names a throwaway database
  whose quality tables are emptied), each into an empty set of measurements with the catalogue and the
  register loaded; then the same files again, which must be recognised and skipped.

Every step runs in a child process of its own (its peak memory is its own; process start and Django set-up
are not timed). Each import's ratio to the baseline of its round is printed with the spread of the rounds,
and so is the machine's load. Finally one import per database is made to fail midway (a trigger aborts it
after most rows are in) to show that a national import is still all or nothing.

Run: .venv/bin/python -m bench.import_bench. BENCH_ROUNDS (default 5), BENCH_PRACTICES (2000) and
BENCH_MONTHS (12) make quicker runs for development.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import Goal, Spread, busy_warning, print_goals, print_load, ratios

ROOT = Path(__file__).resolve().parents[1]
PRACTICES = int(os.environ.get("BENCH_PRACTICES", "2000"))
MONTHS = int(os.environ.get("BENCH_MONTHS", "12"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SQLITE_GOAL, POSTGRES_GOAL, PEAK_GOAL_MB, SKIP_GOAL = 1.5, 2.0, 1000, 1.0

SAME_WORK = r"""
import json, resource, sys, time
import polars as pl
path, prefixes = sys.argv[1], json.loads(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
with open(path, encoding="utf-8-sig", errors="replace") as handle:
    header = handle.readline().rstrip("\r\n")
separator = ";" if header.count(";") >= header.count(",") else ","
numbers = {"recepter", "personer", "ddd"}
schema = {name: pl.Float64 if name in numbers else pl.String for name in header.split(separator)}
schema["atc"] = pl.Categorical(pl.Categories.random())
out = (
    pl.scan_csv(path, separator=separator, schema=schema, decimal_comma=separator == ";", encoding="utf8")
    .filter(pl.any_horizontal([pl.col("atc").cat.starts_with(p) for p in prefixes]))
    .group_by(["ydernummer", "periode", "atc"])
    .agg(pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum())
    .collect(engine="streaming")
)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "groups": out.height,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
BARE = r"""
import json, resource, sys, time
import polars as pl
started = time.perf_counter()
out = (
    pl.scan_csv(sys.argv[1], separator=";", decimal_comma=True)
    .group_by(["ydernummer", "periode", pl.col("atc").str.slice(0, 3)])
    .agg(pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum())
    .collect(engine="streaming")
)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "groups": out.height,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    import django

    django.setup()


def _empty_quality_tables() -> None:
    """PostgreSQL: the measurements and import logs as a fresh database has them (empty)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE quality_measurement, quality_importlog RESTART IDENTITY")
            cursor.execute("VACUUM ANALYZE quality_measurement")


def prepare_child(database_url: str, folder: str) -> None:
    """Migrate, load the catalogue and the register (every ydernummer of the file); print the catalogue's
    ATC prefixes (none inside another) as JSON."""
    _setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    import polars as pl

    from klynge.core.models import Practice
    from klynge.quality.importing.prescriptions import catalogue_prefixes
    from klynge.quality.services import _prescription_indicators, indicators_load_catalogue

    indicators_load_catalogue()
    numbers = pl.read_csv(Path(folder) / "tilmeldte.csv", separator=";", infer_schema=False)[
        "ydernummer"
    ].unique()
    Practice.objects.bulk_create(
        [Practice(name=f"Praksis {n}", provider_number=n) for n in numbers.sort().to_list()]
    )
    print(json.dumps(catalogue_prefixes(_prescription_indicators())))


def import_child(database_url: str, folder: str) -> None:
    """One national import into empty measurements, then the same files again; prints JSON."""
    _setup_django(database_url)
    from klynge.quality.models import ImportLog, Measurement
    from klynge.quality.services import prescriptions_import

    _empty_quality_tables()
    files = {"path": Path(folder) / "recepter.csv", "patients_path": Path(folder) / "tilmeldte.csv"}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    result = prescriptions_import(**files)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not result.ok:
        raise SystemExit(f"the import failed: {result.errors[:5]}")
    started, again_cpu = time.perf_counter(), time.process_time()
    again = prescriptions_import(**files)
    again_seconds, again_cpu = time.perf_counter() - started, time.process_time() - again_cpu
    print(
        json.dumps(
            {
                "rows_read": result.rows_read,
                "written": result.created + result.replaced,
                "stored": Measurement.objects.count(),
                "logs": ImportLog.objects.count(),
                "seconds": seconds,
                "cpu": cpu,
                "timings": result.timings,
                "peak_rss_mb": peak / 1024,
                "rss_before_import_mb": rss_before / 1024,
                "again_seconds": again_seconds,
                "again_cpu": again_cpu,
                "again_skipped": again.same_as is not None,
                "again_changed": again.created + again.replaced,
            }
        )
    )


def fault_child(database_url: str, folder: str, after: str) -> None:
    """A national import that a trigger aborts once `after` values are in: nothing may remain."""
    _setup_django(database_url)
    from django.db import DatabaseError, connection

    from klynge.quality.models import ImportLog, Measurement
    from klynge.quality.services import prescriptions_import

    _empty_quality_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION bench_fail() RETURNS trigger AS $$ BEGIN "
                f"IF (SELECT count(*) FROM quality_measurement) >= {int(after)} THEN "
                "RAISE EXCEPTION 'the disk is full'; END IF; RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER bench_fail AFTER INSERT ON quality_measurement "
                "FOR EACH STATEMENT EXECUTE FUNCTION bench_fail()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER bench_fail AFTER INSERT ON quality_measurement "
                f"WHEN NEW.id % 1000 = 0 AND (SELECT count(*) FROM quality_measurement) >= {int(after)} "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
    failed = ""
    try:
        prescriptions_import(path=Path(folder) / "recepter.csv", patients_path=Path(folder) / "tilmeldte.csv")
    except DatabaseError as error:
        failed = str(error)
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER bench_fail"
            + (" ON quality_measurement" if connection.vendor == "postgresql" else "")
        )
    print(
        json.dumps(
            {
                "after": int(after),
                "failed": failed,
                "stored": Measurement.objects.count(),
                "logs": ImportLog.objects.count(),
            }
        )
    )


def generate_child(folder: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from klynge.quality.generate import generate

    started = time.perf_counter()
    files = generate(out=Path(folder), practices=PRACTICES, months=MONTHS, seed=2026)
    print(json.dumps({"rows": files.rows, "seconds": time.perf_counter() - started}))


def _run(args: list[str], *, code: str | None = None) -> dict | list:
    command = (
        [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "bench.import_bench", *args]
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args[:1]) or 'child'} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _targets(folder: str, stack: contextlib.ExitStack) -> list[tuple[str, str, str]]:
    """(label, URL to prepare, URL to import into) per database; SQLite imports into a copy of its template."""
    targets = [
        (
            "SQLite",
            f"sqlite:///{Path(folder) / 'template.sqlite3'}",
            f"sqlite:///{Path(folder) / 'round.sqlite3'}",
        )
    ]
    if os.environ.get("BENCH_DATABASE_URL") or os.environ.get("BENCH_POSTGRES"):
        from bench.servers import postgres

        url = stack.enter_context(postgres(durable=True))
        targets.append(("PostgreSQL", url, url))
    return targets


def _fresh_sqlite(folder: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(folder, f"round.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copy(Path(folder) / "template.sqlite3", Path(folder) / "round.sqlite3")


def main() -> None:
    load_start = print_load("start")
    with tempfile.TemporaryDirectory(prefix="klynge-bench-") as folder, contextlib.ExitStack() as stack:
        generated = _run(["--generate", folder])
        prescriptions = Path(folder) / "recepter.csv"
        size_mb = prescriptions.stat().st_size / 1e6
        print(
            f"Generated {generated['rows']:,} prescription rows ({size_mb:.0f} MB) for {PRACTICES} practices "
            f"× {MONTHS} months in {generated['seconds']:.1f} s",
            flush=True,
        )
        targets = _targets(folder, stack)
        prefixes = []
        for label, prepare_url, _ in targets:
            prefixes = _run(["--prepare", prepare_url, folder])
            print(f"{label}: schema, catalogue and register ready", flush=True)
        same_args = [str(prescriptions), json.dumps(prefixes)]
        _run(same_args, code=SAME_WORK)  # warm-up: the file into the page cache; not counted
        same, bare, same_cpu = Spread(), Spread(), Spread()
        same_peak, bare_peak = Spread(), Spread()
        results: dict[str, dict[str, Spread]] = {
            label: {
                k: Spread()
                for k in (
                    "seconds",
                    "cpu",
                    "read",
                    "write",
                    "commit",
                    "peak",
                    "again",
                    "again_cpu",
                    "written",
                )
            }
            for label, _, _ in targets
        }
        checks: list[str] = []
        print(f"Rounds (each: same-work read, bare read, then each import), {ROUNDS} of them:", flush=True)
        for index in range(1, ROUNDS + 1):
            figures = []
            baseline = _run(same_args, code=SAME_WORK)
            same.add(baseline["seconds"])
            same_cpu.add(baseline["cpu"])
            same_peak.add(baseline["peak_rss_mb"])
            reference = _run([str(prescriptions)], code=BARE)
            bare.add(reference["seconds"])
            bare_peak.add(reference["peak_rss_mb"])
            figures.append(f"same work {baseline['seconds']:.2f} s, bare {reference['seconds']:.2f} s")
            for label, _, url in targets:
                if label == "SQLite":
                    _fresh_sqlite(folder)
                r = _run(["--import", url, folder])
                spreads = results[label]
                spreads["seconds"].add(r["seconds"])
                for step in ("read", "write", "commit"):
                    spreads[step].add(r["timings"].get(step, 0.0))
                spreads["peak"].add(r["peak_rss_mb"])
                spreads["again"].add(r["again_seconds"])
                spreads["cpu"].add(r["cpu"])
                spreads["again_cpu"].add(r["again_cpu"])
                spreads["written"].add(r["written"])
                if (
                    r["stored"] != r["written"]
                    or r["logs"] != 1
                    or not r["again_skipped"]
                    or r["again_changed"]
                ):
                    checks.append(f"{label} round {index}: {r}")
                figures.append(f"{label} {r['seconds']:.2f} s (again {r['again_seconds']:.2f} s)")
            print(f"  round {index}: {'; '.join(figures)}", flush=True)
        faults = {}
        for label, _, url in targets:
            if label == "SQLite":
                _fresh_sqlite(folder)
            # Most of the values are in when the fault strikes (a full disk, a lost connection).
            after = int(results[label]["written"].values[-1] * 0.75)
            faults[label] = _run(["--fault", url, folder, str(after)])
    load_end = print_load("end")
    _report(generated["rows"], size_mb, same, bare, same_peak, bare_peak, results, faults, checks, same_cpu)
    if warning := busy_warning(load_start, load_end):
        print(warning)


def _report(rows, size_mb, same, bare, same_peak, bare_peak, results, faults, checks, same_cpu) -> None:
    print(
        f"== Import of a national year: {rows:,} rows ({size_mb:.0f} MB); median (min, max) of {ROUNDS} rounds =="
    )
    print(
        f"Same-work Polars read (import's parse options, catalogue codes, same grouping): {same.show()}; peak {same_peak.show('MB', 0)}"
    )
    print(
        f"Bare Polars read-and-group (types inferred, every row, ATC group):            {bare.show()}; peak {bare_peak.show('MB', 0)}"
    )
    goals = []
    for label, spreads in results.items():
        ratio = ratios(spreads["seconds"], same)
        to_bare = ratios(spreads["seconds"], bare)
        print(f"{label} import: {spreads['seconds'].show()}")
        print(
            f"  read and compute {spreads['read'].show()}, write {spreads['write'].show()}, commit {spreads['commit'].show()}"
        )
        print(f"  / same-work read {ratio.show('×')}; / bare read-and-group {to_bare.show('×')}")
        print(f"  peak memory of the importing process (Django included) {spreads['peak'].show('MB', 0)}")
        print(f"  same files again (recognised, skipped) {spreads['again'].show()}")
        # CPU seconds of the process (every thread): what the work costs when the machine is busy with
        # other work; the server's share (PostgreSQL) is not in it.
        print(
            f"  CPU seconds: import {spreads['cpu'].show()} / same-work read {same_cpu.show()} = "
            f"{ratios(spreads['cpu'], same_cpu).show('×')}; skip {spreads['again_cpu'].show()}"
        )
        goal = SQLITE_GOAL if label == "SQLite" else POSTGRES_GOAL
        own = Spread([s - b for s, b in zip(spreads["seconds"].values, same.values, strict=True)])
        goals.append(
            Goal(
                f"{label} import within {goal}× the same-work read",
                ratio.median <= goal,
                ratio.show("×"),
                f"beyond the same-work read the import spends {own.median:.2f} s of its own (median): "
                f"reading and computing {spreads['read'].median - same.median:+.2f} s over the same-work "
                f"read (every row checked and counted per practice and period, the indicators computed), "
                f"writing {spreads['write'].median:.2f} s (into empty measurements the values go straight in: "
                f"one COPY on PostgreSQL, staging and one INSERT on SQLite; the files hashed beside it), "
                f"committing {spreads['commit'].median:.2f} s",
            )
        )
        goals.append(
            Goal(
                f"{label} import's peak memory under {PEAK_GOAL_MB} MB",
                spreads["peak"].max < PEAK_GOAL_MB,
                f"max {spreads['peak'].max:.0f} MB",
                "the highest round",
            )
        )
        goals.append(
            Goal(
                f"{label}: an unchanged file recognised and skipped in under {SKIP_GOAL:.0f} s",
                spreads["again"].median < SKIP_GOAL,
                spreads["again"].show(),
                "hashing the 495 MB (SHA-256) and reading the catalogue and register took longer",
            )
        )
        fault = faults[label]
        goals.append(
            Goal(
                f"{label}: a national import that fails after {fault['after']:,} values leaves nothing",
                bool(fault["failed"]) and fault["stored"] == 0 and fault["logs"] == 0,
                f"failed ({fault['failed'][:40]!r}), {fault['stored']} values and {fault['logs']} logs left",
                "the fault did not stop the import, or values remained",
            )
        )
    goals.append(
        Goal(
            "every round stored what it wrote, logged once and skipped the same files",
            not checks,
            "yes" if not checks else f"{len(checks)} rounds differ",
            "; ".join(checks)[:500],
        )
    )
    print_goals(goals)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("--prepare", "--import"):
        {"--prepare": prepare_child, "--import": import_child}[sys.argv[1]](sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "--fault":
        fault_child(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "--generate":
        generate_child(sys.argv[2])
    else:
        main()
