import time

from django.core.management.base import BaseCommand

from klynge.core.services import outbox_send_due


class Command(BaseCommand):
    help = "Sends the mail waiting in the outbox (once, or in a loop with --forever)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--forever", action="store_true", help="keep sending; poll every --interval seconds"
        )
        parser.add_argument("--interval", type=float, default=10.0)

    def handle(self, *args, forever, interval, **options):
        while True:
            sent, failed = outbox_send_due()
            if sent or failed or not forever:
                self.stdout.write(f"sendt: {sent}, fejlet (prøves igen senere): {failed}")
            if not forever:
                return
            time.sleep(interval)
