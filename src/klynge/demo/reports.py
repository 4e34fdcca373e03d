"""Demo records of the reports capability: Gentofte's annual report for 2022 (seed 000).

The draft is written from the demo records of every step before this one (meetings, decisions,
questionnaires, projects, data), through the same service the chair's "Gem udkastet" button uses.
"""

import datetime as dt

from klynge.core.models import Cluster, Person
from klynge.reports import services


def build_reports(today: dt.date | None = None) -> None:
    gentofte = Cluster.objects.get(slug="gentofte")
    chair = Person.objects.filter(email="formand@gentofte.demo").first()
    services.annual_report_create(cluster=gentofte, year=2022, by=chair)
