"""A general assembly votes at once, against the real server.

Every voter's phone sends its secret vote through the API in the same instant (one connection each,
opened beforehand, released by one barrier) to gunicorn started by `klynge serve` with 2 workers and
the worker model it ships with, on the suite's database (SQLite or PostgreSQL). Every vote must be
accepted and counted exactly once, option by option; when everyone presses again at once, nothing more
is counted. On SQLite the log must be empty when the last reply has come: each reply waits until its
vote's pages have left it (docs/secret-ballots.md).
"""

import contextlib
import http.client
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from django.db import connection

from klynge.core.services import api_token_create
from klynge.decisions import services
from klynge.decisions.models import BallotCount, Turnout
from tests.core.test_restart import database_url, free_port, wait_until_serving
from tests.factories import ClusterWorld

from .helpers import add_voters, online_poll

REPO = Path(__file__).resolve().parents[2]
VOTERS = 60


@contextlib.contextmanager
def klynge_serve(env):
    """`klynge serve --workers 2` on a free port, as deployment.md runs it; yields its port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "klynge.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}", tries=300)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def all_at_once(port, path, bodies_by_token):
    """POSTs each body with its token, every one on its own connection, all released at one moment;
    returns (status, body) per request."""
    gate = threading.Barrier(len(bodies_by_token))
    answers = []
    lock = threading.Lock()

    def send(token, body):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        gate.wait()
        try:
            conn.request(
                "POST",
                path,
                body=json.dumps(body),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            answer = (response.status, response.read().decode())
        except OSError as error:
            answer = (0, str(error))
        finally:
            conn.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send, args=item) for item in bodies_by_token.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_votes_sent_at_once_to_the_real_server_are_each_counted_exactly_once(transactional_db, tmp_path):
    world = ClusterWorld("Klynge Samtidig Live")
    voters = add_voters(world, VOTERS)
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    options = list(poll.options.order_by("position", "pk"))
    choice = {person.pk: options[i % len(options)] for i, person in enumerate(voters)}
    tokens = {person.pk: api_token_create(person=person, name="telefon")[1] for person in voters}
    bodies = {tokens[pk]: {"option_ids": [option.pk]} for pk, option in choice.items()}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klynge.settings_test",
        "DATABASE_URL": database_url(),
        "KLYNGE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "votes-at-once-test-secret-key",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    path = f"/api/v1/clusters/{world.cluster.slug}/polls/{poll.pk}/votes"

    with klynge_serve(env) as port:
        first = all_at_once(port, path, bodies)
        if connection.vendor == "sqlite":
            wal = Path(f"{connection.settings_dict['NAME']}-wal")
            log_after_last_reply = wal.stat().st_size
            api_token_create(person=voters[0], name="kontrol")
            log_after_an_ordinary_write = wal.stat().st_size
        again = all_at_once(port, path, bodies)

    assert Counter(status for status, _ in first) == {201: VOTERS}, first[:3]
    # Everyone presses again at the same moment: each is told they have voted, nothing is counted twice.
    assert Counter(status for status, _ in again) == {400: VOTERS}, again[:3]
    assert all("allerede stemt" in body for _, body in again)
    assert sorted(Turnout.objects.filter(poll=poll).values_list("person_id", flat=True)) == sorted(choice)
    expected = Counter(option.pk for option in choice.values())
    counted = {c.option_id: c.votes for c in BallotCount.objects.filter(poll=poll)}
    assert counted == {**{option.pk: expected[option.pk] for option in options}, None: 0}
    if connection.vendor == "sqlite":
        assert log_after_last_reply == 0
        # Control: an ordinary write stays in the log, where this test can see it.
        assert log_after_an_ordinary_write > 0
