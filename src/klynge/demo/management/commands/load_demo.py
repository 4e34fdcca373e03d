from django.core.management.base import BaseCommand

from klynge.demo.builder import load_demo
from klynge.demo.register import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Loads the demo clusters (steps that already ran are skipped, so users' changes are kept)."

    def handle(self, *args, **options):
        ran = load_demo()
        self.stdout.write("Demo-data indlæst: " + (", ".join(ran) if ran else "intet nyt (allerede indlæst)"))
        self.stdout.write(f"\nDemo-logins (adgangskode for alle: {DEMO_PASSWORD}):")
        for email, label in demo_logins():
            self.stdout.write(f"  {email:<28} {label}")
