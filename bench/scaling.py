"""The data pages' time in process from 1 to 10 years of data and from a small to a large cluster (issue 18,
item 6: the figures beside tests/quality/test_page_scaling.py, which asserts queries and rows, never time).

In a temporary SQLite database, four clusters are built through the real services, as the test builds
them: 2 practices with 12, 60 and 120 months of data, and 12 practices with 12 months (three indicators: a
share, a rate per 1,000 patients per year and DDD per 1,000 patients per day). Each data page is opened
by each cluster's chair, in one process (the Django test client: no network, no queueing), on the first
view after a data change (cold: the data version is changed as any write changes it) and on the view
after it (warm). In each round the clusters take turns in an order that rotates, and each figure is the
median of REPEAT views; the ratios (10 years / 1 year, 10 years / 5 years, 12 practices / 2 practices) are
taken per round and printed with their spread. Goal: no page more than 20 % slower.

Run with `make bench` (or `.venv/bin/python -m bench.scaling`); BENCH_SCALING_ROUNDS (5) and
BENCH_SCALING_REPEAT (7) choose the rest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import Goal, Spread, busy_warning, print_goals, print_load, ratios
from bench.servers import django_env

ROUNDS = int(os.environ.get("BENCH_SCALING_ROUNDS", "5"))
REPEAT = int(os.environ.get("BENCH_SCALING_REPEAT", "7"))
GOAL = 1.2
MORE_MONTHS = " (its run charts show up to five years' months: 60 points each against 12 with one year)"
COMPARISONS = [("10 years", "1 year"), ("10 years", "5 years"), ("12 practices", "2 practices")]

CHILD = r"""
import itertools, json, os, statistics, sys, time
from pathlib import Path
import django
django.setup()
from bench.scenes import CODES, measurement_lines
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from klynge.core import services
from klynge.core.models import Role
from klynge.quality import cache
from klynge.quality.models import Indicator
from klynge.quality.services import indicators_load_catalogue, measurements_import
import datetime as dt

rounds, repeat, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
indicators_load_catalogue()
numbers = itertools.count(700001)

def scene(name, slug, practices, months):
    cluster = services.cluster_create(name=name, slug=slug, region="hovedstaden")
    made = [
        services.practice_create(cluster=cluster, name=f"Lægehuset {n}", provider_number=str(n),
                                 joined_on=dt.date(2015, 1, 1))
        for n in itertools.islice(numbers, practices)
    ]
    chair = services.person_invite(cluster=cluster, email=f"formand@{slug}.example", name="Formand",
                                   practice=made[0], role=Role.CHAIR, starts_on=dt.date(2015, 1, 1),
                                   send_mail=False)
    services.role_assign(cluster=cluster, person=chair, role=Role.MEMBER, starts_on=dt.date(2015, 1, 1))
    path = folder / f"{slug}.csv"
    path.write_text(measurement_lines([p.provider_number for p in made], months))
    result = measurements_import(path=path, cluster=cluster)
    assert result.ok, result.errors[:3]
    indicator = Indicator.objects.get(code=CODES[1])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(chair)
    urls = {
        "cluster front page": reverse("core:cluster", args=[slug]),
        "practice's own data": reverse("quality:own_data", args=[slug]),
        "funnel (indicator)": reverse("quality:indicator_detail", args=[slug, indicator.pk]),
    }
    return cluster, client, urls

scenes = {
    "1 year": scene("Et år", "et-aar", 2, 12),
    "5 years": scene("Fem år", "fem-aar", 2, 60),
    "10 years": scene("Ti år", "ti-aar", 2, 120),
    "12 practices": scene("Tolv praksis", "tolv", 12, 12),
}
scenes["2 practices"] = scenes["1 year"]
names = ["1 year", "5 years", "10 years", "12 practices"]

def view(client, url):
    began = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed

for name in names:  # warm every code path and the session once
    cluster, client, urls = scenes[name]
    for url in urls.values():
        view(client, url); view(client, url)
out = {name: {page: {"cold": [], "warm": []} for page in scenes[name][2]} for name in names}
queries, sizes = {}, {}
for r in range(rounds):
    for name in names[r % len(names):] + names[:r % len(names)]:
        cluster, client, urls = scenes[name]
        for page, url in urls.items():
            cold, warm = [], []
            for _ in range(repeat):
                cache.bump(cluster.pk)  # what any write to the cluster's data does
                cold.append(view(client, url))
                warm.append(view(client, url))
            out[name][page]["cold"].append(statistics.median(cold))
            out[name][page]["warm"].append(statistics.median(warm))
for name in names:
    cluster, client, urls = scenes[name]
    for page, url in urls.items():
        cache.bump(cluster.pk)
        with CaptureQueriesContext(connection) as cold:
            client.get(url)
        with CaptureQueriesContext(connection) as warm:
            response = client.get(url)
        queries[f"{name}|{page}"] = [len(cold), len(warm)]
        sizes[f"{name}|{page}"] = len(response.content)
out["2 practices"] = out["1 year"]
for page in scenes["1 year"][2]:
    queries[f"2 practices|{page}"] = queries[f"1 year|{page}"]
    sizes[f"2 practices|{page}"] = sizes[f"1 year|{page}"]
print(json.dumps({"times": out, "queries": queries, "sizes": sizes}))
"""


def measure() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = {**django_env(f"sqlite:///{Path(folder) / 'scaling.sqlite3'}", folder), "STATIC_COMPRESS": "0"}
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(ROUNDS), str(REPEAT), folder],
            env=env,
            capture_output=True,
            text=True,
        )
    if run.returncode != 0:
        raise SystemExit(f"the scaling measurement failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    load_start = print_load("start")
    data = measure()
    times, queries, sizes = data["times"], data["queries"], data["sizes"]
    print(
        "== data pages in process (SQLite, test client), ms median (min, max) of the rounds' medians; "
        f"{ROUNDS} rounds x {REPEAT} views each, cold = first view after a data change =="
    )
    pages = list(times["1 year"])
    for name in ("1 year", "5 years", "10 years", "12 practices"):
        for page in pages:
            figures = times[name][page]
            cold_q, warm_q = queries[f"{name}|{page}"]
            print(
                f"{name:<13} {page:<20} cold {Spread(figures['cold']).show('ms', 1)} ({cold_q} queries)   "
                f"warm {Spread(figures['warm']).show('ms', 1)} ({warm_q} queries)"
            )
    goals = []
    for more, less in COMPARISONS:
        for page in pages:
            for state in ("cold", "warm"):
                ratio = ratios(Spread(times[more][page][state]), Spread(times[less][page][state]))
                more_q = queries[f"{more}|{page}"][state == "warm"]
                less_q = queries[f"{less}|{page}"][state == "warm"]
                goals.append(
                    Goal(
                        f"{page}, {state}: {more} within {GOAL:.1f}x of {less}",
                        ratio.median <= GOAL,
                        ratio.show("×"),
                        f"{more_q} queries against {less_q}, a page of {sizes[f'{more}|{page}'] / 1000:.1f} kB "
                        f"against {sizes[f'{less}|{page}'] / 1000:.1f} kB{MORE_MONTHS if less == '1 year' else ''}; "
                        "the rows the queries fetch are counted by tests/quality/test_page_scaling.py",
                    )
                )
    print_goals(goals)
    load_end = print_load("end")
    if warning := busy_warning(load_start, load_end):
        print(warning)


if __name__ == "__main__":
    main()
