"""Imports of real size: all or nothing when the database fails midway, and an unchanged file recognised
and skipped without going stale (issue 18, item 3).

The files are the generator's (the format the national data comes in): 80 practices × 12 months × 600
ATC codes, about 580,000 prescription rows and 20,000 indicator values, written in the staged, set-form
merge that a national import uses. Run on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

import sqlite3

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from klynge.quality.generate import generate
from klynge.quality.models import ImportLog, Measurement
from klynge.quality.services import measurement_enter, measurements_import, prescriptions_import
from tests.factories import make_practice

PRACTICES = 80


@pytest.fixture
def national_files(world, catalogue, tmp_path):
    numbers = [make_practice(world.cluster).provider_number for _ in range(PRACTICES)]
    generate(out=tmp_path, practices=PRACTICES, months=12, seed=18, provider_numbers=numbers)
    return {"path": tmp_path / "recepter.csv", "patients_path": tmp_path / "tilmeldte.csv"}


def install_fault(after: int) -> None:
    """A database that fails once `after` values are in, as a full disk or a lost connection would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION klynge_fail_late() RETURNS trigger AS $$ BEGIN "
                f"IF (SELECT count(*) FROM quality_measurement) >= {after} THEN "
                "RAISE EXCEPTION 'the disk is full'; END IF; RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER klynge_fail_late AFTER INSERT ON quality_measurement "
                "FOR EACH STATEMENT EXECUTE FUNCTION klynge_fail_late()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER klynge_fail_late AFTER INSERT ON quality_measurement "
                f"WHEN NEW.id % 100 = 0 AND (SELECT count(*) FROM quality_measurement) >= {after} "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )


def remove_fault() -> None:
    with connection.cursor() as cursor:
        suffix = " ON quality_measurement" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER klynge_fail_late{suffix}")


@pytest.mark.django_db
def test_a_national_import_that_fails_midway_leaves_nothing(national_files):
    after = 5_000
    install_fault(after)
    with pytest.raises((DatabaseError, sqlite3.DatabaseError), match="the disk is full"):
        prescriptions_import(**national_files)
    assert Measurement.objects.count() == 0
    assert ImportLog.objects.count() == 0
    # Control: without the fault the same import writes far more than `after` values, so the fault
    # struck in the middle of the writing, not before it.
    remove_fault()
    result = prescriptions_import(**national_files)
    assert result.ok, result.errors
    assert Measurement.objects.count() == result.created > 1.5 * after
    assert ImportLog.objects.count() == 1


def stored_values() -> list[tuple]:
    return sorted(
        Measurement.objects.values_list(
            "indicator_id", "scope", "practice_id", "period_start", "granularity", "numerator", "denominator"
        )
    )


def compared_in(queries) -> bool:
    return any("quality_incoming i LEFT JOIN" in q["sql"] for q in queries)


@pytest.mark.django_db
def test_the_first_import_written_straight_in_stores_what_the_compared_import_stores(national_files):
    """A first import of the indicators' values skips staging and comparing (storing.nothing_stored).
    Attack: the same files imported where one value of an indicator is already stored (so the values
    are staged, compared and merged) must store the very same values; and a fault in that merge
    leaves the stored value as it was and nothing else."""
    with CaptureQueriesContext(connection) as queries:
        straight = prescriptions_import(**national_files)
    assert not compared_in(queries)
    assert straight.ok and straight.created > 10_000 and not straight.replaced
    assert straight.log.digest and straight.log.fingerprint  # the files' digests, written at the end
    written = stored_values()
    assert len(written) == straight.created
    Measurement.objects.all().delete()
    ImportLog.objects.all().delete()
    # A quarter's value of the country in the file's months: no value of the file has its key, but
    # the import can no longer know that without comparing.
    first = written[0]
    earlier = Measurement.objects.create(
        indicator_id=first[0],
        level="national",
        scope="n",
        period_start=next(v[3] for v in written if v[3].month in (1, 4, 7, 10)),
        granularity="quarter",
        numerator=1.0,
        denominator=2.0,
    )
    install_fault(5_000)
    with pytest.raises((DatabaseError, sqlite3.DatabaseError), match="the disk is full"):
        prescriptions_import(**national_files)
    assert list(Measurement.objects.values_list("pk", "numerator")) == [(earlier.pk, 1.0)]
    assert not ImportLog.objects.exists()
    remove_fault()
    with CaptureQueriesContext(connection) as queries:
        compared = prescriptions_import(**national_files)
    assert compared_in(queries)  # control: this import did stage and compare
    assert compared.ok and compared.created == straight.created and not compared.replaced
    again = [v for v in stored_values() if v[4] != "quarter"]
    assert [v[:5] for v in again] == [v[:5] for v in written]
    # Sums of decimal DDD may differ in the last bit between two reads (the order of addition).
    assert all(
        a[5] == pytest.approx(b[5], rel=1e-12) and a[6] == pytest.approx(b[6], rel=1e-12)
        for a, b in zip(again, written, strict=True)
    )


@pytest.mark.django_db
def test_an_unchanged_national_file_is_recognised_and_skipped(national_files, tmp_path):
    first = prescriptions_import(**national_files)
    assert first.ok and first.created > 10_000
    stored = sorted(Measurement.objects.values_list("pk", "numerator", "denominator", "import_log_id"))
    with CaptureQueriesContext(connection) as queries:
        again = prescriptions_import(**national_files)
    assert again.same_as == first.log and not again.changed and again.unchanged == first.created
    # The skip compares digests and writes nothing; its time at national size is bench/import_bench.py's.
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert not writes and len(queries) < 20, [q["sql"][:120] for q in queries]
    assert (
        sorted(Measurement.objects.values_list("pk", "numerator", "denominator", "import_log_id")) == stored
    )
    assert ImportLog.objects.count() == 1
    # Control: the same rows in files that differ by a trailing empty line (as spreadsheets write them)
    # are read again, and change nothing.
    copies = {}
    for key, source in national_files.items():
        copies[key] = tmp_path / f"kopi-{source.name}"
        copies[key].write_bytes(source.read_bytes() + b"\n;;\n")
    read_again = prescriptions_import(**copies)
    assert read_again.ok and read_again.same_as is None
    assert not read_again.changed and read_again.unchanged == first.created
    assert ImportLog.objects.count() == 1


@pytest.mark.django_db
def test_a_new_practice_in_the_register_means_the_file_is_read_again(national_files, world):
    first = prescriptions_import(**national_files)
    assert first.ok
    make_practice(world.cluster)  # the register changed: the file's values may now belong elsewhere
    again = prescriptions_import(**national_files)
    assert again.ok and again.same_as is None and again.unchanged == first.created


@pytest.mark.django_db
def test_a_value_entered_after_an_import_is_not_hidden_by_the_skip(world, catalogue, tmp_path):
    from klynge.quality.models import Indicator

    indicator = Indicator.objects.get(code="attester", cluster=None)
    path = tmp_path / "maalinger.csv"
    path.write_text(
        f"ydernummer;indikator;periode;tæller;nævner\n{world.practice.provider_number};attester;2025-01;7;2400\n"
    )
    assert measurements_import(path=path, cluster=world.cluster).created == 1
    measurement_enter(
        indicator=indicator, practice=world.practice, period="2025-01", numerator=9, denominator=2400, by=None
    )
    again = measurements_import(path=path, cluster=world.cluster)
    assert again.same_as is None and again.replaced == 1
    assert Measurement.objects.get(indicator=indicator).numerator == 7
