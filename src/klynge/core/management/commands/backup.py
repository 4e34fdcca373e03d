import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_env_and_args() -> tuple[dict, list[str]]:
    settings_dict = connection.settings_dict
    env = {"PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    args = [
        "--host",
        settings_dict.get("HOST") or "localhost",
        "--port",
        str(settings_dict.get("PORT") or 5432),
        "--username",
        settings_dict.get("USER") or "postgres",
        "--dbname",
        settings_dict["NAME"],
    ]
    return env, args


class Command(BaseCommand):
    help = "Writes one consistent backup file while the server runs (SQLite online backup, or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        target = Path(file)
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            source = sqlite3.connect(connection.settings_dict["NAME"])
            destination = sqlite3.connect(target)
            with destination:
                source.backup(destination)
            destination.close()
            source.close()
        elif connection.vendor == "postgresql":
            if shutil.which("pg_dump") is None:
                raise CommandError("pg_dump mangler: installér postgresql-client")
            env, args = pg_env_and_args()
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump fejlede: {result.stderr.strip()}")
        else:
            raise CommandError(f"Backup af {connection.vendor} understøttes ikke")
        self.stdout.write(f"Backup skrevet: {target} ({target.stat().st_size} bytes)")
