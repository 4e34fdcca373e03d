"""`klynge scrub`: what the database files keep of deleted secret rows is wiped."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests import attacker
from tests.decisions.helpers import add_voters
from tests.factories import ClusterWorld
from tests.surveys.helpers import answer, build_survey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's free pages")
def test_scrub_with_vacuum_wipes_answers_left_in_free_space_by_an_older_klynge(tmp_path):
    """A database from before secure_delete keeps deleted rows in its free pages; after upgrading,
    `klynge scrub --vacuum` rebuilds the file so that only the stored answers remain, once each."""
    world = ClusterWorld("Klynge Gammel")
    people = add_voters(world, 12)
    survey, q = build_survey(world.cluster, anonymous=True)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = OFF")  # as every Klynge before this one
    for index, person in enumerate(people):
        answer(survey, person, q, text=f"Gammelt svar {index:02d} " + "om ventetid " * 20)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA secure_delete = ON")
    texts = [f"Gammelt svar {index:02d}".encode() for index in range(12)]
    before = attacker.raw_bytes(attacker.copy_live_sqlite_files(tmp_path / "before"))
    assert sum(before.count(text) for text in texts) > 12  # control: earlier rewrites left copies

    call_command("scrub", "--vacuum", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = attacker.raw_bytes(attacker.copy_live_sqlite_files(tmp_path / "after"))
    assert [after.count(text) for text in texts] == [1] * 12
