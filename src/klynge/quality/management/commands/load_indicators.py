from django.core.management.base import BaseCommand

from klynge.quality.services import indicators_load_catalogue


class Command(BaseCommand):
    help = "Indlæser det nationale indikatorkatalog (src/klynge/quality/catalogue/*.yaml). Kan køres igen."

    def handle(self, *args, **options):
        created, updated, unchanged = indicators_load_catalogue()
        self.stdout.write(f"Indikatorer: {created} nye, {updated} opdateret, {unchanged} uændret.")
