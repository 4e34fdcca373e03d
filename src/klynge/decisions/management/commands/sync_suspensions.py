from django.core.management.base import BaseCommand

from klynge.core.models import Cluster
from klynge.decisions.services import polls_close_due, suspensions_sync


class Command(BaseCommand):
    help = (
        "Ends holds 'until the next general assembly' on that assembly's date; closes overdue online polls."
    )

    def handle(self, *args, **options):
        changed = sum(suspensions_sync(cluster=cluster) for cluster in Cluster.objects.all())
        closed = polls_close_due()
        self.stdout.write(f"{changed} perioder opdateret, {closed} afstemninger lukket.")
