"""The main pages at national scale: latency and throughput against gunicorn (2 workers) and PostgreSQL.

Builds the national data set (`klynge generate-national`), logs in as the chair of the largest cluster
and requests each main page a fixed number of times from a few client threads on loopback. Prints the
median, 95th percentile and throughput of every page and its median's ratio to the baseline /healthz
(same process, no session cookie, no database, no template), measured first and last, the lower median
counting; pages over 4x the baseline are marked.
Run with `make bench` (or `.venv/bin/python -m bench.pages`). Environment knobs, for a quicker run:
BENCH_PAGES_CLUSTERS, BENCH_PAGES_YEARS_DATA, BENCH_PAGES_REQUESTS.
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

from bench.measure import percentile, print_load
from bench.servers import django_env, gunicorn, postgres

SEED = 20261122
REQUESTS = int(os.environ.get("BENCH_PAGES_REQUESTS", "200"))
THREADS = 4
WARMUP = 10
GOAL = 4.0

SETUP = r"""
import json
import django
django.setup()
from django.db import connection
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
print(json.dumps({"email": chair.email, "cluster": cluster.name, "members": members, "pages": pages}))
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


def measure(base: str, path: str, cookie: str) -> dict:
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(WARMUP):
        response, content = _request(base, path, headers=headers)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}: {content[:300]!r}")
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client(count: int) -> None:
        for _ in range(count):
            began = time.perf_counter()
            response, _ = _request(base, path, headers=headers)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)

    shares = [REQUESTS // THREADS + (1 if i < REQUESTS % THREADS else 0) for i in range(THREADS)]
    threads = [threading.Thread(target=client, args=(n,)) for n in shares]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    return {
        "median": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "throughput": len(latencies) / wall,
        "errors": len(errors),
    }


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
        results = {}
        with gunicorn(env, workers=2) as base:
            cookie = login(base, data["email"], "klynge-demo")
            warm_up(base, [path for _, path in data["pages"]], cookie)
            for label, path in data["pages"]:
                # The baseline goes without the session cookie: no session, no user, no database.
                results[label] = measure(base, path, "" if path == "/healthz" else cookie)
            results["baseline again (end)"] = measure(base, "/healthz", "")
            # The fixed cost of any logged-in request (session read and, as sessions are saved on every
            # request, written; the person; the two-factor check), for a second ratio.
            results["/healthz logged in"] = measure(base, "/healthz", cookie)
    baseline = min(results["baseline /healthz"]["median"], results["baseline again (end)"]["median"])
    logged_in = results["/healthz logged in"]["median"]
    print(
        f"== main pages at national scale: {data['cluster']} ({data['members']} GPs), logged in as its chair; "
        f"gunicorn 2 workers, PostgreSQL, {REQUESTS} requests per page from {THREADS} threads =="
    )
    print(f"{'page':<22} {'median ms':>10} {'p95 ms':>8} {'req/s':>7} {'x base':>7} {'x login':>8}")
    over, over_login = [], []
    for label, result in results.items():
        ratio = result["median"] / baseline
        main_page = not label.startswith(("baseline", "/healthz"))
        mark = "  OVER 4x" if ratio > GOAL and main_page else ""
        if ratio > GOAL and main_page:
            over.append(label)
        if result["median"] / logged_in > GOAL and main_page:
            over_login.append(label)
        errors = f"  ({result['errors']} errors)" if result["errors"] else ""
        print(
            f"{label:<22} {result['median'] * 1000:>10.1f} {result['p95'] * 1000:>8.1f} "
            f"{result['throughput']:>7.1f} {ratio:>7.1f} {result['median'] / logged_in:>8.1f}{mark}{errors}"
        )
    print(
        "x base: median / median of /healthz without a session (no database); x login: / /healthz logged in"
    )
    print(f"pages over {GOAL:.0f}x the baseline: {', '.join(over) if over else 'none'}")
    print(f"pages over {GOAL:.0f}x the logged-in /healthz: {', '.join(over_login) if over_login else 'none'}")
    print_load("end")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    main()
