import os
import sys

from django.core.management.base import BaseCommand

# Chosen by bench/vote_load.py (docs/national-scale.md): threaded workers answer 100 votes sent at once
# sooner than single-threaded ones, because a thread waiting for the database or for the vote before it
# leaves the core to the next request, and they serve pages as fast.
DEFAULT_THREADS = 8


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
