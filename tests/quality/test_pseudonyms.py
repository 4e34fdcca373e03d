"""Pseudonyms: drawn at random, stored, stable, never reused, never in the audit log."""

import re
import threading

import pytest
from django.db import connection, connections

from klynge.core.models import AuditEvent, Practice
from klynge.core.services import practice_create, practice_deactivate
from klynge.quality.models import Pseudonym
from klynge.quality.privacy import label_sort_key, pseudonym_labels, size_band
from tests.factories import ClusterFactory, make_practice


def test_labels_are_random_stored_and_stable(db):
    cluster = ClusterFactory()
    practices = [make_practice(cluster) for _ in range(26)]
    ids = [p.pk for p in practices]
    first = pseudonym_labels(cluster=cluster, practice_ids=ids)
    assert sorted(first.values(), key=label_sort_key) == [f"Praksis {chr(65 + i)}" for i in range(26)]
    # Id order would give A, B, C ...: the chance of a random draw doing so is 1 in 26!.
    assert [first[pid] for pid in ids] != sorted(first.values(), key=label_sort_key)
    assert pseudonym_labels(cluster=cluster, practice_ids=ids) == first
    assert pseudonym_labels(cluster=cluster, practice_ids=ids[:3]) == {pid: first[pid] for pid in ids[:3]}
    # Another cluster draws its own letters for the same practices.
    other = ClusterFactory()
    for p in practices[:5]:
        practice_create(cluster=other, name=p.name, provider_number=p.provider_number)
    assert set(pseudonym_labels(cluster=other, practice_ids=ids[:5]).values()) <= {
        f"Praksis {chr(65 + i)}" for i in range(26)
    }


def test_joining_and_leaving_moves_no_label_and_letters_are_never_reused(db, world):
    early = make_practice(ClusterFactory(), "Tidlig praksis")  # a lower id than every later practice
    late = [make_practice(world.cluster) for _ in range(24)]
    ids = [world.practice.pk, world.other_practice.pk] + [p.pk for p in late]
    before = pseudonym_labels(cluster=world.cluster, practice_ids=ids)
    practice_deactivate(cluster=world.cluster, practice=late[0], by=world.chair)
    practice_create(cluster=world.cluster, name=early.name, provider_number=early.provider_number)
    after = pseudonym_labels(cluster=world.cluster, practice_ids=[*ids, early.pk])
    assert {pid: after[pid] for pid in ids} == before
    # 26 single letters were taken (one by the practice that left): the newcomer gets two letters.
    assert re.fullmatch(r"Praksis [A-Z]{2}", after[early.pk])
    # A deleted practice's letters stay taken.
    gone = late[1]
    letters = before[gone.pk]
    Practice.objects.filter(pk=gone.pk).delete()
    assert Pseudonym.objects.filter(cluster=world.cluster, letters=letters.split()[1], practice=None).exists()
    newcomer = make_practice(world.cluster)
    assert (
        pseudonym_labels(cluster=world.cluster, practice_ids=[newcomer.pk])[newcomer.pk]
        not in before.values()
    )


def test_the_audit_log_never_records_which_practice_has_which_label(db, world, client):
    from tests.factories import PASSWORD

    pseudonym_labels(cluster=world.cluster, practice_ids=[world.practice.pk, world.other_practice.pk])
    assert Pseudonym.objects.filter(cluster=world.cluster).count() == 2
    assert not AuditEvent.objects.filter(model="quality.Pseudonym").exists()
    assert client.login(username=world.chair.email, password=PASSWORD)
    log = client.get(f"/k/{world.cluster.slug}/log/").content.decode()
    assert "Pseudonym" not in log and "Praksis " not in log


def test_size_band_keeps_two_significant_figures():
    assert size_band(1489) == 1500 and size_band(91.67) == 92 and size_band(8.4) == 8.4 and size_band(0) == 0
    assert size_band(123456) == 120000


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks)")


@pytest.mark.postgres
@needs_postgres
def test_many_pages_at_the_same_moment_give_one_label_per_practice(transactional_db):
    cluster = ClusterFactory()
    ids = [make_practice(cluster).pk for _ in range(12)]
    barrier = threading.Barrier(8)
    results, errors = [], []

    def run(subset):
        try:
            barrier.wait()
            results.append(pseudonym_labels(cluster=cluster, practice_ids=subset))
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(ids[i % 3 :],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    final = pseudonym_labels(cluster=cluster, practice_ids=ids)
    assert len(set(final.values())) == 12
    for result in results:
        assert result == {pid: final[pid] for pid in result}
