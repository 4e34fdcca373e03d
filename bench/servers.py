"""Throwaway servers for the benchmarks: a PostgreSQL cluster and gunicorn, both on 127.0.0.1."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres(*, durable: bool = False):
    """Yields a DATABASE_URL: BENCH_DATABASE_URL if set, else a throwaway server started here (as root).

    The throwaway server runs without fsync unless `durable`: a commit then waits for its log to reach
    the disk, as on a real server (the import benchmark measures commits; the page benchmark does not)."""
    if url := os.environ.get("BENCH_DATABASE_URL"):
        yield url
        return
    bins = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[4].split(".")]
    )
    if not bins:
        raise SystemExit(
            "PostgreSQL is not installed (apt-get install postgresql), or set BENCH_DATABASE_URL"
        )
    pg_bin = bins[-1]
    root = Path(tempfile.mkdtemp(prefix="klynge-bench-pg-"))
    port = free_port()
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        [
            *run_as,
            f"{pg_bin}/initdb",
            "-D",
            str(root / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    fsync = "" if durable else " -c fsync=off"
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}{fsync} -c max_connections=300 -c shared_buffers=512MB"
    subprocess.run(
        [
            *run_as,
            f"{pg_bin}/pg_ctl",
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [*run_as, f"{pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "klynge"],
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/klynge"
    finally:
        subprocess.run(
            [*run_as, f"{pg_bin}/pg_ctl", "-D", str(root / "data"), "-m", "fast", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 2, worker_class: str = "sync", threads: int = 1, app: str = ""):
    """Serves Klynge with gunicorn on a free port; yields the base URL. `app` replaces the WSGI module
    (a benchmark's variant); `worker_class` and `threads` are gunicorn's options of the same names."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app or "klynge.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def django_env(database_url: str, var_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "klynge.settings",
            "DATABASE_URL": database_url,
            "KLYNGE_VAR_DIR": var_dir,
            "SECRET_KEY": "bench-secret-key-only-for-loopback-benchmarks",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT),
        }
    )
    return env
