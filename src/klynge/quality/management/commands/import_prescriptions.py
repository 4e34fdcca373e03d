from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Cluster
from klynge.quality.services import prescriptions_import

from ._report import print_result


class Command(BaseCommand):
    help = (
        "Importerer receptdata (ydernummer; periode; atc; recepter; personer; ddd) med tilmeldte patienter "
        "(ydernummer; periode; tilmeldte_patienter) og beregner alle receptbaserede indikatorer."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--patients", required=True, help="filen med tilmeldte patienter")
        parser.add_argument("--cluster", help="klyngens korte navn; uden: en national fil")

    def handle(self, *args, file, patients, cluster=None, **options):
        target = None
        if cluster:
            target = Cluster.objects.filter(slug=cluster).first()
            if target is None:
                raise CommandError(f"Klyngen {cluster} findes ikke.")
        result = prescriptions_import(path=Path(file), patients_path=Path(patients), cluster=target)
        print_result(self, result)
