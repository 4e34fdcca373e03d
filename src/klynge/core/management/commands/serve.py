import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serves Klynge with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("KLYNGE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("KLYNGE_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KLYNGE_WORKERS", "2")))

    def handle(self, *args, host, port, workers, **options):
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
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
