"""A general assembly on loopback: 100 voters vote within a minute against gunicorn and PostgreSQL.

Prints votes sent, votes counted (they must be equal) and p50/p99 latency of casting a vote.
Run with `make bench` (or `.venv/bin/python -m bench.vote_load`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from bench.measure import percentile, print_load
from bench.servers import django_env, gunicorn, postgres

VOTERS = 100
SETUP = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.utils import timezone
from klynge.core import services as core
from klynge.core.models import Role
from klynge.decisions import services as decisions
from klynge.meetings import services as meetings

cluster = core.cluster_create(name="Belastningsklyngen", slug="belastning", region="hovedstaden")
tokens = []
people = []
for p in range(25):
    practice = core.practice_create(cluster=cluster, name=f"Praksis {p}", provider_number=f"{700000 + p:06d}")
    for d in range(4):
        person = core.person_invite(cluster=cluster, email=f"laege{p}-{d}@bench.dk", name=f"Læge {p}-{d}",
                                    practice=practice, role=Role.MEMBER, send_mail=False,
                                    starts_on=dt.date(2020, 1, 1))
        people.append(person)
start = timezone.now()
meeting = meetings.meeting_create(cluster=cluster, kind="generalforsamling", title="Generalforsamling",
                                  starts_at=start - dt.timedelta(minutes=5), ends_at=start + dt.timedelta(hours=3),
                                  venue_name="Lægehuset")
for person in people:
    meetings.attendance_check_in(meeting=meeting, person=person)
    tokens.append(core.api_token_create(person=person, name="bench")[1])
poll = decisions.poll_create(cluster=cluster, question="Skal klyngen vedtage de nye værdier?", secret=True,
                             meeting=meeting)
decisions.poll_open(poll=poll)
options = {o.label: o.pk for o in poll.options.all()}
print(json.dumps({"poll": poll.pk, "tokens": tokens, "options": options}))
"""
COUNT = r"""
import django, sys
django.setup()
from klynge.decisions.models import Ballot, Poll
poll = Poll.objects.get(pk=int(sys.argv[1]))
print(Ballot.objects.filter(poll=poll).count())
"""


def main() -> None:
    print_load("start")
    with postgres() as database_url, tempfile.TemporaryDirectory() as var_dir:
        env = django_env(database_url, var_dir)
        subprocess.run([sys.executable, "-m", "klynge.cli", "migrate", "-v0"], env=env, check=True)
        setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True)
        if setup.returncode != 0:
            raise SystemExit(f"setting up the general assembly failed:\n{setup.stderr[-3000:]}")
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        labels = list(data["options"])
        with gunicorn(env, workers=2) as base:
            url = f"{base}/api/v1/clusters/belastning/polls/{data['poll']}/votes"
            latencies: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            start_gate = threading.Barrier(VOTERS)

            def vote(index: int, token: str) -> None:
                label = labels[index % len(labels)]
                body = json.dumps({"option_ids": [data["options"][label]]}).encode()
                request = urllib.request.Request(
                    url,
                    data=body,
                    method="POST",
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                start_gate.wait()
                # Spread the voters over the first ten seconds of the minute, as a room does.
                time.sleep((index % 20) * 0.5)
                began = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
                        ok = response.status == 201
                except OSError as error:
                    ok = False
                    with lock:
                        failures.append(str(error))
                elapsed = time.perf_counter() - began
                with lock:
                    if ok:
                        latencies.append(elapsed)

            threads = [threading.Thread(target=vote, args=(i, t)) for i, t in enumerate(data["tokens"])]
            wall = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - wall
        counted = subprocess.run(
            [sys.executable, "-c", COUNT, str(data["poll"])],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    print("== vote load: a general assembly on loopback (gunicorn, 2 workers, PostgreSQL) ==")
    print(f"votes sent:      {VOTERS}")
    print(f"votes accepted:  {len(latencies)}")
    print(f"votes counted:   {counted}")
    print(f"failures:        {len(failures)}{' (' + failures[0] + ')' if failures else ''}")
    print(f"all within:      {wall:.1f} s")
    print(f"latency p50:     {percentile(latencies, 50) * 1000:.0f} ms")
    print(f"latency p99:     {percentile(latencies, 99) * 1000:.0f} ms")
    print_load("end")
    if int(counted) != VOTERS or len(latencies) != VOTERS:
        raise SystemExit("votes counted differ from votes sent")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    main()
