import os
import sys

from django.core.management.base import BaseCommand

# Chosen by bench/vote_load.py on a quiet machine (docs/national-scale.md): single-threaded workers answer
# 100 votes sent at once in half the time of threaded ones on both databases. Votes in one poll are
# written one at a time under its lock, and a thread holding the lock waits for Python's lock behind the
# other threads of its worker, so threads only make the queue slower; pages too are answered sooner.
DEFAULT_THREADS = 1


class Command(BaseCommand):
    help = "Serves Klynge with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("KLYNGE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("KLYNGE_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KLYNGE_WORKERS", "2")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("KLYNGE_THREADS", str(DEFAULT_THREADS))),
            help="threads per worker (gunicorn's gthread worker); 1 gives the single-threaded sync worker",
        )

    def handle(self, *args, host, port, workers, threads, **options):
        self.stdout.write(f"Klynge serves http://{host}:{port} (stop with Ctrl+C)")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "klynge.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
