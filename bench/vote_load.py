"""A general assembly on loopback: 100 voters press »Stem« at the same moment, against gunicorn with 2
workers, on SQLite and on PostgreSQL, for each gunicorn worker model.

Each round sends two bursts of 100 requests, every request on its own connection, opened beforehand,
all released by one barrier (so the 100 requests leave within a few milliseconds):

* the votes: 100 secret votes through the API (`POST .../polls/<id>/votes`), a fresh poll each round;
* the baseline, the same work without the vote: the same 100 voters, the same tokens, connections and
  tenancy check, reading the same poll (`GET .../polls/<id>`).

The two alternate in the rounds (baseline first in odd rounds, votes first in even ones), so a busy
machine slows both alike. Every figure is the median of the rounds with its min and max; the machine's
load is printed at the start, in each round and at the end. After the rounds every poll is counted: its
turnout and its counts must be exactly the 100 votes sent, option by option.

Variants (`BENCH_VOTE_WORKERS`, comma-separated): `sync`, `gthread:N` (N threads per worker), and a
suffix `:noscrub` that serves the same code with `secrecy.after_secret_write` switched off, only to show
what emptying SQLite's log after each secret vote costs under this load (never a way to serve Klynge).
`BENCH_VOTE_DATABASES` (`postgresql,sqlite`) and `BENCH_VOTE_ROUNDS` (5) choose the rest.

Run with `make bench` (or `.venv/bin/python -m bench.vote_load`).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Goal, Spread, load, percentile, print_goals, print_load
from bench.servers import django_env, gunicorn, postgres

VOTERS = 100
ROUNDS = int(os.environ.get("BENCH_VOTE_ROUNDS", "5"))
DATABASES = os.environ.get("BENCH_VOTE_DATABASES", "postgresql,sqlite").split(",")
WORKERS = os.environ.get("BENCH_VOTE_WORKERS", "sync,gthread:4,gthread:8,sync:noscrub").split(",")
GOAL_P99 = 0.500
STRETCH_P99 = 0.100
SLUG = "belastning"

SETUP = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.utils import timezone
from klynge.core import services as core
from klynge.core.models import Role
from klynge.decisions import services as decisions
from klynge.meetings import services as meetings

polls_wanted = int(sys.argv[1])
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
polls = []
for n in range(polls_wanted):
    poll = decisions.poll_create(cluster=cluster, question=f"Skal klyngen vedtage forslag {n + 1}?", secret=True,
                                 meeting=meeting)
    decisions.poll_open(poll=poll)
    polls.append({"id": poll.pk, "options": [o.pk for o in poll.options.order_by("pk")]})
print(json.dumps({"tokens": tokens, "polls": polls}))
"""

COUNT = r"""
import json, sys
import django
django.setup()
from klynge.decisions.models import BallotCount, Turnout
out = {}
for poll_id in json.loads(sys.argv[1]):
    counts = {str(c.option_id): c.votes for c in BallotCount.objects.filter(poll_id=poll_id)}
    out[poll_id] = {"turnout": Turnout.objects.filter(poll_id=poll_id).count(), "counts": counts}
print(json.dumps(out))
"""


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    send_spread: float = 0.0  # first request sent to last request sent
    wall: float = 0.0  # first request sent to last answer read


def burst(base: str, requests: list[tuple[str, str, str, bytes | None]], expect: int) -> Burst:
    """Sends every request on its own connection, all released by one barrier; returns the latencies."""
    host, port = base.removeprefix("http://").split(":")
    result = Burst()
    sent: list[float] = []
    done: list[float] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(requests))

    def one(method: str, path: str, token: str, body: bytes | None) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            connection.connect()
        except OSError as error:
            gate.abort()
            with lock:
                result.failures.append(f"connect: {error}")
            return
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        try:
            gate.wait()
        except threading.BrokenBarrierError:
            connection.close()
            return
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read()
            status = response.status
        except OSError as error:
            status, text = 0, str(error).encode()
        finally:
            connection.close()
        ended = time.perf_counter()
        with lock:
            sent.append(began)
            done.append(ended)
            if status == expect:
                result.latencies.append(ended - began)
            else:
                result.failures.append(f"{status}: {text[:200]!r}")

    threads = [threading.Thread(target=one, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sent:
        result.send_spread = max(sent) - min(sent)
        result.wall = max(done) - min(sent)
    return result


@dataclass
class Model:
    spec: str
    worker_class: str
    threads: int
    noscrub: bool

    @classmethod
    def parse(cls, spec: str) -> Model:
        parts = spec.strip().split(":")
        noscrub = parts[-1] == "noscrub"
        if noscrub:
            parts = parts[:-1]
        threads = int(parts[1]) if len(parts) > 1 else 1
        return cls(spec=spec.strip(), worker_class=parts[0], threads=threads, noscrub=noscrub)


@dataclass
class Measured:
    database: str
    model: Model
    vote_p50: Spread = field(default_factory=Spread)
    vote_p99: Spread = field(default_factory=Spread)
    vote_max: Spread = field(default_factory=Spread)
    vote_wall: Spread = field(default_factory=Spread)
    base_p50: Spread = field(default_factory=Spread)
    base_p99: Spread = field(default_factory=Spread)
    ratio_p99: Spread = field(default_factory=Spread)
    send_spread: Spread = field(default_factory=Spread)
    wal_after: list[int] = field(default_factory=list)
    sent: int = 0
    accepted: int = 0
    failures: list[str] = field(default_factory=list)
    counted_ok: int = 0
    polls: list[int] = field(default_factory=list)


def run_model(
    database: str, model: Model, env: dict, data: dict, polls: list[dict], var_dir: str
) -> Measured:
    measured = Measured(database=database, model=model)
    tokens = data["tokens"]
    app = "bench.vote_noscrub:application" if model.noscrub else ""
    with gunicorn(env, workers=2, worker_class=model.worker_class, threads=model.threads, app=app) as base:
        api = f"/api/v1/clusters/{SLUG}/polls"

        def reads(poll_id: int) -> list:
            return [("GET", f"{api}/{poll_id}", token, None) for token in tokens]

        def votes(poll: dict) -> list:
            options = poll["options"]
            return [
                (
                    "POST",
                    f"{api}/{poll['id']}/votes",
                    token,
                    json.dumps({"option_ids": [options[i % len(options)]]}).encode(),
                )
                for i, token in enumerate(tokens)
            ]

        # Warm-up: both workers import their code and open their database connections, and every token
        # is touched once (its `last_used_at`), as on a phone that has been used before the vote.
        burst(base, reads(polls[0]["id"]), 200)
        for index, poll in enumerate(polls, start=1):
            measured.polls.append(poll["id"])

            def vote_step(poll: dict = poll) -> Burst:
                result = burst(base, votes(poll), 201)
                wal = Path(var_dir) / "klynge.sqlite3-wal"
                if database == "sqlite":
                    measured.wal_after.append(wal.stat().st_size if wal.exists() else 0)
                return result

            def base_step(poll: dict = poll) -> Burst:
                return burst(base, reads(poll["id"]), 200)

            steps = [base_step, vote_step] if index % 2 else [vote_step, base_step]
            outcome = {step: step() for step in steps}
            voted, read = outcome[vote_step], outcome[base_step]
            measured.sent += VOTERS
            measured.accepted += len(voted.latencies)
            measured.failures += voted.failures + read.failures
            if voted.latencies and read.latencies:
                measured.vote_p50.add(percentile(voted.latencies, 50))
                measured.vote_p99.add(percentile(voted.latencies, 99))
                measured.vote_max.add(max(voted.latencies))
                measured.vote_wall.add(voted.wall)
                measured.base_p50.add(percentile(read.latencies, 50))
                measured.base_p99.add(percentile(read.latencies, 99))
                measured.ratio_p99.add(percentile(voted.latencies, 99) / percentile(read.latencies, 99))
                measured.send_spread.add(voted.send_spread)
            print(
                f"  {database} {model.spec} round {index}/{len(polls)}: votes p50 "
                f"{percentile(voted.latencies, 50) * 1000:.0f} ms p99 {percentile(voted.latencies, 99) * 1000:.0f} ms, "
                f"baseline p50 {percentile(read.latencies, 50) * 1000:.0f} ms p99 "
                f"{percentile(read.latencies, 99) * 1000:.0f} ms, {len(voted.latencies)}/{VOTERS} accepted ({load()})",
                flush=True,
            )
    return measured


def check_counts(env: dict, measured: Measured, polls: list[dict]) -> None:
    counted = json.loads(
        subprocess.run(
            [sys.executable, "-c", COUNT, json.dumps(measured.polls)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    for poll in polls:
        options = poll["options"]
        expected = {str(o): 0 for o in options}
        for i in range(VOTERS):
            expected[str(options[i % len(options)])] += 1
        got = counted[str(poll["id"])]
        option_counts = {k: v for k, v in got["counts"].items() if k != "None"}
        if got["turnout"] == VOTERS and option_counts == expected and got["counts"].get("None", 0) == 0:
            measured.counted_ok += 1


def ms(spread: Spread) -> str:
    return Spread([v * 1000 for v in spread.values]).show("ms", 0)


def report(results: list[Measured]) -> list[Goal]:
    print("\n== vote load: 100 votes sent at once to gunicorn with 2 workers ==")
    for m in results:
        label = f"{m.database}, {m.model.spec}"
        print(f"-- {label}")
        print(
            f"   votes sent {m.sent}, accepted {m.accepted}, polls counted exactly {m.counted_ok}/{len(m.polls)}"
        )
        if m.failures:
            print(f"   failures: {len(m.failures)} (first: {m.failures[0]})")
        print(f"   requests sent within   {ms(m.send_spread)}")
        print(f"   vote p50               {ms(m.vote_p50)}")
        print(f"   vote p99               {ms(m.vote_p99)}")
        print(f"   vote max               {ms(m.vote_max)}")
        print(f"   all 100 answered in    {ms(m.vote_wall)}")
        print(f"   baseline p50 (GET)     {ms(m.base_p50)}")
        print(f"   baseline p99 (GET)     {ms(m.base_p99)}")
        print(f"   vote p99 / baseline    {m.ratio_p99.show('×', 1)}")
        if m.wal_after:
            print(f"   SQLite log after each burst: {', '.join(str(b) for b in m.wal_after)} bytes")
    goals = []
    for database in DATABASES:
        served = [m for m in results if m.database == database and not m.model.noscrub and m.vote_p99.values]
        if not served:
            continue
        best = min(served, key=lambda m: m.vote_p99.median)
        all_counted = all(m.counted_ok == len(m.polls) and m.accepted == m.sent for m in served)
        figure = f"{ms(best.vote_p99)} with {best.model.spec}"
        goals.append(
            Goal(
                f"{database}: every vote counted exactly once (all models)",
                all_counted,
                f"{sum(m.accepted for m in served)}/{sum(m.sent for m in served)} accepted",
                "votes lost or refused",
            )
        )
        goals.append(
            Goal(
                f"{database}: vote p99 under {GOAL_P99 * 1000:.0f} ms (best model)",
                best.vote_p99.max < GOAL_P99,
                figure,
                "the slowest round of the best model is over the goal",
            )
        )
        goals.append(
            Goal(
                f"{database}: stretch, vote p99 under {STRETCH_P99 * 1000:.0f} ms",
                best.vote_p99.max < STRETCH_P99,
                figure,
                "each vote is a serialised write (one poll, one lock): 100 of them queue behind each other",
            )
        )
    return print_goals(goals)


def main() -> None:
    models = [Model.parse(spec) for spec in WORKERS if spec.strip()]
    print_load("start")
    print(
        f"{VOTERS} voters, {ROUNDS} rounds per model, models {', '.join(m.spec for m in models)}", flush=True
    )
    results: list[Measured] = []
    for database in DATABASES:
        serving = [m for m in models if not (m.noscrub and database != "sqlite")]
        with tempfile.TemporaryDirectory() as var_dir, _database(database, var_dir) as database_url:
            env = django_env(database_url, var_dir)
            (Path(var_dir) / "static").mkdir(exist_ok=True)  # whitenoise warns on every start without it
            subprocess.run([sys.executable, "-m", "klynge.cli", "migrate", "-v0"], env=env, check=True)
            setup = subprocess.run(
                [sys.executable, "-c", SETUP, str(ROUNDS * len(serving))],
                env=env,
                capture_output=True,
                text=True,
            )
            if setup.returncode != 0:
                raise SystemExit(f"setting up the general assembly failed:\n{setup.stderr[-3000:]}")
            data = json.loads(setup.stdout.strip().splitlines()[-1])
            for n, model in enumerate(serving):
                polls = data["polls"][n * ROUNDS : (n + 1) * ROUNDS]
                measured = run_model(database, model, env, data, polls, var_dir)
                check_counts(env, measured, polls)
                results.append(measured)
    goals = report(results)
    print_load("end")
    lost = [m for m in results if m.counted_ok != len(m.polls) or m.accepted != m.sent]
    if lost:
        raise SystemExit(
            "votes counted differ from votes sent: " + ", ".join(f"{m.database} {m.model.spec}" for m in lost)
        )
    if not all(goal.met for goal in goals if "stretch" not in goal.text):
        raise SystemExit("a vote-load goal is not met (see above)")


def _database(database: str, var_dir: str):
    if database == "postgresql":
        return postgres()
    import contextlib

    return contextlib.nullcontext(f"sqlite:///{Path(var_dir) / 'klynge.sqlite3'}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    main()
