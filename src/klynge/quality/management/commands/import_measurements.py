from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Cluster
from klynge.quality.services import measurements_import

from ._report import print_result


class Command(BaseCommand):
    help = "Importerer målinger i langt format (ydernummer; indikator; periode; tæller; nævner)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--cluster", help="klyngens korte navn (slug)")
        group.add_argument("--national", action="store_true", help="nationale og regionale referenceværdier")

    def handle(self, *args, file, cluster=None, national=False, **options):
        target = None
        if cluster:
            target = Cluster.objects.filter(slug=cluster).first()
            if target is None:
                raise CommandError(f"Klyngen {cluster} findes ikke.")
        result = measurements_import(path=Path(file), cluster=target, national=national)
        print_result(self, result)
