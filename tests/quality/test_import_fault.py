"""An import that fails midway through its writes leaves nothing behind (issue 9: faults).

The fault is real: a database trigger aborts the write once part of the rows are in, as a full disk
or a lost connection would.
"""

import sqlite3

import pytest
from django.db import DatabaseError, connection

from klynge.quality.models import ImportLog, Measurement
from klynge.quality.services import measurements_import
from tests.factories import make_practice

FAIL_AFTER = 40


def install_fault():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION klynge_fail() RETURNS trigger AS $$ BEGIN "
                f"IF (SELECT count(*) FROM quality_measurement) >= {FAIL_AFTER} THEN "
                "RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER klynge_fail AFTER INSERT ON quality_measurement "
                "FOR EACH ROW EXECUTE FUNCTION klynge_fail()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER klynge_fail AFTER INSERT ON quality_measurement "
                f"WHEN (SELECT count(*) FROM quality_measurement) >= {FAIL_AFTER} "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )


@pytest.mark.django_db
def test_an_import_that_fails_midway_leaves_nothing(world, catalogue, tmp_path):
    practices = [make_practice(world.cluster, f"Lægehus {n}") for n in range(5)]
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    for practice in practices:
        for month in range(1, 13):
            lines.append(f"{practice.provider_number};penicillin-v-andel;2025-{month:02d};30;100")
    path = tmp_path / "maalinger.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    install_fault()
    # The SQLite path writes through the DB-API connection itself, so its own error type comes up.
    with pytest.raises((DatabaseError, sqlite3.DatabaseError)):
        measurements_import(path=path, cluster=world.cluster)
    assert Measurement.objects.count() == 0
    assert ImportLog.objects.count() == 0
