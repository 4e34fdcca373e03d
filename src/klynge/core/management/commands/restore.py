import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import pg_env_and_args


class Command(BaseCommand):
    help = "Brings back a backup written by `klynge backup` (stop the web server first)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        source_path = Path(file)
        if not source_path.exists():
            raise CommandError(f"Filen findes ikke: {source_path}")
        header = source_path.read_bytes()[:16]
        connection.close()
        if connection.vendor == "sqlite":
            if not header.startswith(b"SQLite format 3"):
                raise CommandError("Filen er ikke en SQLite-backup fra Klynge")
            source = sqlite3.connect(source_path)
            destination = sqlite3.connect(connection.settings_dict["NAME"])
            with destination:
                source.backup(destination)
            destination.close()
            source.close()
        elif connection.vendor == "postgresql":
            if not header.startswith(b"PGDMP"):
                raise CommandError("Filen er ikke en PostgreSQL-backup (pg_dump --format=custom)")
            if shutil.which("pg_restore") is None:
                raise CommandError("pg_restore mangler: installér postgresql-client")
            env, args = pg_env_and_args()
            result = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(source_path),
                ],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore fejlede: {result.stderr.strip()}")
        else:
            raise CommandError(f"Gendannelse af {connection.vendor} understøttes ikke")
        self.stdout.write(f"Gendannet fra {source_path}")
