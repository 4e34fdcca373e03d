"""The main pages at national scale: latency against gunicorn (2 workers) and PostgreSQL, in rounds.

Builds the national data set (`klynge generate-national`), logs in as the chair of the largest cluster
and measures every main page in ROUNDS rounds. In each round, for each page, three batches follow each
other: /healthz with the chair's session (the fixed cost of any logged-in request), /healthz without a
session (no database, no template), then the page; each batch is BATCH requests from 4 client threads.
So every baseline is measured right beside the page it is compared with, under the same load.
For each page it prints the min / median / max over the rounds of the batch median, the p95 of all its
requests, and the ratios page median / logged-in /healthz median and / no-session /healthz median of the
same round (min / median / max), with the machine's load average before and after. The goal (issue 18):
every main page's median within 4x the logged-in /healthz and p95 under 100 ms.
It also measures each data page's first view after a data change (the cache's miss), in process.
Run with `make bench` (or `.venv/bin/python -m bench.pages`). Environment knobs: BENCH_PAGES_CLUSTERS,
BENCH_PAGES_YEARS_DATA, BENCH_PAGES_ROUNDS, BENCH_PAGES_BATCH; BENCH_DATABASE_URL reuses a database that
already holds the national set (it is then only migrated).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from bench.measure import Goal, Spread, load, percentile, print_goals, print_load
from bench.servers import django_env, gunicorn, postgres

SEED = 20261122
ROUNDS = int(os.environ.get("BENCH_PAGES_ROUNDS", "5"))
BATCH = int(os.environ.get("BENCH_PAGES_BATCH", "40"))
THREADS = 4
GOAL = 4.0
STRETCH = 2.0
P95_GOAL = 0.100

SETUP = r"""
import json
import django
django.setup()
from django.db import connection
from klynge.core.models import Cluster as _C
if not _C.objects.filter(slug__startswith="national-").exists():
    print(json.dumps({"missing": True}))
    raise SystemExit(0)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
from django.db.models import Count, Q
from django.urls import reverse
from klynge.core.models import Cluster, Role, RoleAssignment
from klynge.decisions.models import Poll, PollStatus
from klynge.meetings.models import Meeting, MeetingKind, MeetingStatus
from klynge.projects.models import IdeaRound
from klynge.quality.models import Indicator, Measurement
from klynge.reports import selectors as report_selectors, services as reports

cluster = (
    Cluster.objects.filter(slug__startswith="national-")
    .annotate(n=Count("role_assignments", filter=Q(role_assignments__role=Role.MEMBER))).order_by("-n", "pk").first()
)
chair = RoleAssignment.objects.get(cluster=cluster, role=Role.CHAIR).person
meeting = Meeting.objects.filter(cluster=cluster, kind=MeetingKind.GENERAL_ASSEMBLY,
                                 status=MeetingStatus.HELD).order_by("-starts_at").first()
poll = Poll.objects.filter(cluster=cluster, status=PollStatus.OPEN).first()
round = IdeaRound.objects.filter(cluster=cluster).first()
indicator = Indicator.objects.filter(
    cluster__isnull=True, pk__in=Measurement.objects.filter(practice__isnull=False).values("indicator_id")
).order_by("code").first()
year = report_selectors.default_year()
if report_selectors.annual_report_for(cluster=cluster, year=year) is None:
    reports.annual_report_create(cluster=cluster, year=year, by=chair)
s = cluster.slug
pages = [
    ("baseline /healthz", "/healthz"),
    ("cluster front page", reverse("core:cluster", args=[s])),
    ("year plan", reverse("meetings:meeting_list", args=[s])),
    ("a meeting", reverse("meetings:meeting_detail", args=[s, meeting.pk])),
    ("decision register", reverse("decisions:decision_list", args=[s])),
    ("live poll", reverse("decisions:poll_detail", args=[s, poll.pk])),
    ("workshop wall", reverse("projects:round_wall", args=[s, round.pk])),
    ("practice's own data", reverse("quality:own_data", args=[s])),
    ("funnel (indicator)", reverse("quality:indicator_detail", args=[s, indicator.pk])),
    ("project plan", reverse("projects:rotation", args=[s])),
    ("annual-report draft", reverse("reports:annual_report", args=[s, year])),
]
members = RoleAssignment.objects.filter(cluster=cluster, role=Role.MEMBER).count()
print(json.dumps({"email": chair.email, "cluster": cluster.name, "members": members, "pages": pages,
                  "cluster_id": cluster.pk, "indicator_id": indicator.pk, "slug": s, "chair_id": chair.pk}))
"""


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _request(base: str, path: str, *, method: str = "GET", body: bytes | None = None, headers=None):
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response, content
    finally:
        connection.close()


def login(base: str, email: str, password: str) -> str:
    response, content = _request(base, "/log-ind/")
    jar = _cookies(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
    body = urllib.parse.urlencode(
        {"username": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    response, _ = _request(
        base,
        "/log-ind/",
        method="POST",
        body=body,
        headers={
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": base + "/log-ind/",
        },
    )
    jar.update(_cookies(response))
    if response.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"logging in as {email} failed (status {response.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def warm_up(base: str, paths: list[str], cookie: str) -> None:
    """Every page a few times from all client threads, so both workers have loaded every code path."""

    def client() -> None:
        for path in paths:
            for _ in range(2):
                _request(base, path, headers={"Cookie": cookie})

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def batch(base: str, path: str, cookie: str, count: int = BATCH) -> list[float]:
    """count requests from THREADS client threads; the latencies in seconds."""
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for _ in range(n):
            began = time.perf_counter()
            response, _ = _request(base, path, headers=headers)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)

    shares = [count // THREADS + (1 if i < count % THREADS else 0) for i in range(THREADS)]
    threads = [threading.Thread(target=client, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{path} answered {sorted(set(errors))}")
    return latencies


def spread(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    return " / ".join(
        f"{v * scale:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )


def rounds(base: str, pages: list[tuple[str, str]], cookie: str) -> dict:
    """ROUNDS rounds; in each, for each page: logged-in /healthz, no-session /healthz, the page."""
    results = {
        label: {"medians": [], "all": [], "x_login": [], "x_base": [], "login": [], "base": []}
        for label, _ in pages
    }
    for number in range(ROUNDS):
        print(f"round {number + 1}/{ROUNDS}, {load()}", flush=True)
        for label, path in pages:
            logged_in = statistics.median(batch(base, "/healthz", cookie))
            no_session = statistics.median(batch(base, "/healthz", ""))
            latencies = batch(base, path, cookie)
            median = statistics.median(latencies)
            r = results[label]
            r["medians"].append(median)
            r["all"].extend(latencies)
            r["login"].append(logged_in)
            r["base"].append(no_session)
            r["x_login"].append(median / logged_in)
            r["x_base"].append(median / no_session)
    return results


COLD = r"""
import json, os, statistics, time
import django
django.setup()
from django.db import connection
from django.template.backends.django import Template
from django.test import Client
from klynge.core.models import Cluster, Person
from klynge.quality import cache
d = json.loads(os.environ["BENCH_PAGES_DATA"])
cluster = Cluster.objects.get(pk=d["cluster_id"])
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(Person.objects.get(pk=d["chair_id"]))

# Where a warm view's time goes: the database (every statement, from sending it to having its rows),
# the templates (the outermost render_to_string calls, less the queries run inside them) and the rest.
spent = {"depth": 0, "templates": 0.0, "database": 0.0, "database_in_templates": 0.0, "queries": 0}
render = Template.render

def timed_render(self, context=None, request=None):
    if spent["depth"]:
        return render(self, context, request)
    spent["depth"] += 1
    began = time.perf_counter()
    try:
        return render(self, context, request)
    finally:
        spent["templates"] += time.perf_counter() - began
        spent["depth"] -= 1

def timed_query(execute, sql, params, many, context):
    began = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - began
        spent["database"] += elapsed
        spent["queries"] += 1
        if spent["depth"]:
            spent["database_in_templates"] += elapsed

Template.render = timed_render

def breakdown(path, views=15):
    for key in ("templates", "database", "database_in_templates", "queries"):
        spent[key] = 0
    began = time.perf_counter()
    with connection.execute_wrapper(timed_query):
        for _ in range(views):
            client.get(path)
    total = (time.perf_counter() - began) / views
    database, templates = spent["database"] / views, (spent["templates"] - spent["database_in_templates"]) / views
    return {"total": total, "database": database, "templates": templates, "queries": spent["queries"] / views,
            "python": total - database - templates}

out = {}
for label, path in d["pages"]:
    if path == "/healthz":
        client.get(path)
        out[label] = {"breakdown": breakdown(path)}
        continue
    cold, warm = [], []
    for _ in range(7):
        cache.bump(cluster.pk)  # what any write to the cluster's data does
        began = time.perf_counter(); response = client.get(path); cold.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
        began = time.perf_counter(); client.get(path); warm.append(time.perf_counter() - began)
    out[label] = {"cold": cold, "warm": warm, "breakdown": breakdown(path)}
print(json.dumps(out))
"""


def in_process(env: dict, data: dict) -> dict:
    """Each page's first view after a data change (cache miss) and the view after it, in one process."""
    run = subprocess.run(
        [sys.executable, "-c", COLD],
        env={**env, "BENCH_PAGES_DATA": json.dumps(data)},
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"the in-process measurement failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _parts(b: dict) -> str:
    return (
        f"{b['total'] * 1000:.1f} ms: {b['queries']:.0f} queries {b['database'] * 1000:.1f} ms in the database, "
        f"templates {b['templates'] * 1000:.1f} ms, Python {b['python'] * 1000:.1f} ms"
    )


def _goals(results: dict, cold: dict, healthz: dict) -> list[Goal]:
    """Per page: the median within GOAL x the logged-in /healthz of its round, and p95 under 100 ms; a page
    that misses says where its time goes in process, against the /healthz it is compared with."""
    goals = []
    for label, r in results.items():
        x_login = Spread(r["x_login"])
        b = cold[label]["breakdown"]
        goals.append(
            Goal(
                f"{label}: median within {GOAL:.0f}x the logged-in /healthz",
                x_login.median <= GOAL,
                x_login.show("×"),
                f"in process, without queueing, a view takes {b['total'] * 1000:.1f} ms against "
                f"{healthz['total'] * 1000:.1f} ms for the logged-in /healthz ({b['total'] / healthz['total']:.1f}x): "
                f"{b['queries']:.0f} queries against {healthz['queries']:.0f} ({b['database'] * 1000:.1f} ms in the "
                f"database), templates {b['templates'] * 1000:.1f} ms, and {b['python'] * 1000:.1f} ms of Python "
                "(building the queries and their objects, the permission checks, the view's own work) "
                f"against {healthz['python'] * 1000:.1f} ms",
            )
        )
        p95 = percentile(r["all"], 95)
        goals.append(
            Goal(
                f"{label}: p95 under {P95_GOAL * 1000:.0f} ms",
                p95 < P95_GOAL,
                f"{p95 * 1000:.1f} ms",
                "the slowest twentieth of its requests waited for a worker behind the others",
            )
        )
    within_stretch = [label for label, r in results.items() if statistics.median(r["x_login"]) <= STRETCH]
    goals.append(
        Goal(
            f"stretch: every page's median within {STRETCH:.0f}x the logged-in /healthz",
            len(within_stretch) == len(results),
            f"{len(within_stretch)} of {len(results)} pages",
            "the pages' own work is as above",
        )
    )
    return goals


def main() -> None:
    print_load("start")
    clusters = os.environ.get("BENCH_PAGES_CLUSTERS", "116")
    years_data = os.environ.get("BENCH_PAGES_YEARS_DATA", "10")
    with postgres() as database_url, tempfile.TemporaryDirectory() as var_dir:
        env = django_env(database_url, var_dir)
        env["STATIC_COMPRESS"] = "0"
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "klynge.cli", "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [sys.executable, "-m", "klynge.cli", "collectstatic", "--no-input", "-v0"], env=env, check=True
        )
        setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True)
        if setup.returncode == 0 and json.loads(setup.stdout.strip().splitlines()[-1]).get("missing"):
            print("== national data set (klynge generate-national) ==", flush=True)
            generated = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "klynge.cli",
                    "generate-national",
                    "--seed",
                    str(SEED),
                    "--clusters",
                    clusters,
                    "--years-data",
                    years_data,
                    "--years-meetings",
                    "5",
                ],
                env=env,
                check=False,
            )
            if generated.returncode != 0:
                raise SystemExit("generate-national failed (see above)")
            setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True)
        if setup.returncode != 0:
            raise SystemExit(f"finding the pages failed:\n{setup.stderr[-3000:]}")
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        print(f"(data set ready after {time.perf_counter() - began:.0f} s)", flush=True)
        pages = [(label, path) for label, path in data["pages"] if path != "/healthz"]
        with gunicorn(env, workers=2) as base:
            cookie = login(base, data["email"], "klynge-demo")
            warm_up(base, [path for _, path in data["pages"]], cookie)
            load_before = load()
            results = rounds(base, pages, cookie)
            load_after = load()
        cold = in_process(env, data)
    print(
        f"== main pages at national scale: {data['cluster']} ({data['members']} GPs), logged in as its chair; "
        f"gunicorn 2 workers, PostgreSQL, {ROUNDS} rounds x {BATCH} requests per page from {THREADS} "
        "threads, each batch beside a logged-in and a no-session /healthz batch =="
    )
    print(f"before: {load_before}; after: {load_after}")
    logins = [v for r in results.values() for v in r["login"]]
    bases = [v for r in results.values() for v in r["base"]]
    print(f"/healthz logged in, batch medians ms (min / median / max): {spread(logins, 1000)}")
    print(f"/healthz no session, batch medians ms (min / median / max): {spread(bases, 1000)}")
    print(
        f"{'page':<22} {'median ms min/med/max':>24} {'p95 ms':>8} {'x login min/med/max':>22} {'x no-session':>20}"
    )
    for label, r in results.items():
        p95 = percentile(r["all"], 95)
        print(
            f"{label:<22} {spread(r['medians'], 1000):>24} {p95 * 1000:>8.1f} {spread(r['x_login'], 1, 2):>22} "
            f"{spread(r['x_base'], 1, 1):>20}"
        )
    print(
        "== in process (Django test client, one process, no queueing): first view after a data change "
        "(cache miss) and the next view, ms min / median / max of 7; where a warm view's time goes, "
        "ms per view (mean of 15) =="
    )
    healthz = cold.pop("baseline /healthz")["breakdown"]
    print(f"{'/healthz logged in':<22} {_parts(healthz)}")
    for label, r in cold.items():
        print(f"{label:<22} cold {spread(r['cold'], 1000):>22}   warm {spread(r['warm'], 1000):>22}")
        print(f"{'':<22} {_parts(r['breakdown'])}")
    print_goals(_goals(results, cold, healthz))
    print_load("end")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    main()
