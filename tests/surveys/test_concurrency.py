"""Against PostgreSQL: many answers at the same moment, each in its own thread and connection."""

import threading

import pytest
from django.db import connection, connections

from klynge.core.services import ServiceError
from klynge.surveys.models import Answer, Participation, Response
from tests.factories import make_person

from .helpers import answer, build_survey

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks)")


def _run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            job()
            with lock:
                results.append(True)
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_many_answers_at_once_and_the_same_person_twice(world):
    people = [make_person(world.cluster, practice=world.practice) for _ in range(20)]
    survey, q = build_survey(world.cluster)
    jobs = [lambda p=p, i=i: answer(survey, p, q, number=i) for i, p in enumerate(people)]
    # The same member five times at the same moment: one answer only.
    jobs += [lambda: answer(survey, world.member, q, text="Samtidig")] * 5
    results, errors = _run_at_once(jobs)
    assert len(results) == 21
    assert len(errors) == 4 and all(isinstance(e, ServiceError) for e in errors)
    assert Response.objects.filter(survey=survey).count() == 21
    assert Participation.objects.filter(survey=survey).count() == 21
    assert Answer.objects.filter(question=q["text"], value="Samtidig").count() == 1
