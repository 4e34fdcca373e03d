"""`klynge generate-national --seed S`: a country's worth of clusters for the national-scale benchmark."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Cluster, Practice
from klynge.demo import national


class Command(BaseCommand):
    help = (
        "Builds the national data set: clusters, practices, people, meetings, polls, projects, surveys, data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clusters", type=int, default=national.CLUSTERS)
        parser.add_argument("--years-data", type=int, default=10, help="years of monthly data")
        parser.add_argument("--years-meetings", type=int, default=5, help="years of meetings, polls, surveys")
        parser.add_argument("--poll-years", type=int, default=2, help="years of general-assembly polls")
        parser.add_argument(
            "--atc", type=int, default=40, help="ATC codes in the generated prescription file"
        )

    def handle(self, *args, seed, clusters, years_data, years_meetings, poll_years, atc, **options):
        if Cluster.objects.filter(slug__startswith="national-").exists():
            raise CommandError("The national data set is already loaded.")
        first_year = dt.date.today().year - years_meetings + 1
        began = time.perf_counter()

        def step(label, function, **kwargs):
            started = time.perf_counter()
            result = function(**kwargs)
            self.stdout.write(f"{label:<16} {time.perf_counter() - started:7.1f} s  {_describe(result)}")
            self.stdout.flush()
            return result

        world = step("register", national.build_register, seed=seed, first_year=first_year, count=clusters)
        step(
            "meetings",
            national.build_meetings,
            world=world,
            seed=seed,
            first_year=first_year,
            years=years_meetings,
        )
        step("polls", national.build_polls, world=world, seed=seed, poll_years=poll_years)
        step("projects", national.build_projects, world=world, seed=seed)
        step(
            "questionnaires",
            national.build_surveys,
            world=world,
            seed=seed,
            first_year=first_year,
            years=years_meetings,
        )
        step(
            "monthly data", national.build_quality, world=world, seed=seed, months=12 * years_data, n_atc=atc
        )
        self.stdout.write(f"{'total':<16} {time.perf_counter() - began:7.1f} s")


def _describe(result) -> str:
    if isinstance(result, national.NationalWorld):
        gps = sum(len(v) for v in result.gps_by_cluster.values())
        practices = Practice.objects.filter(memberships__cluster__in=result.clusters).count()
        return f"clusters={len(result.clusters)} practices={practices} gps={gps}"
    if isinstance(result, dict):
        return " ".join(f"{k}={v}" for k, v in result.items())
    return f"attendances={result}"
