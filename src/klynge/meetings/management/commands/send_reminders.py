import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klynge.meetings.services import reminders_send


class Command(BaseCommand):
    help = (
        "Puts reminders in the outbox for everyone who has not answered an invitation, "
        "the meeting's number of days before it. Run it from cron or a worker, e.g. every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend the time is this ISO moment (for tests and catch-up)")

    def handle(self, *args, now=None, **options):
        moment = timezone.now()
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now skal være et tidspunkt som 2023-02-20T08:00")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        sent = reminders_send(now=moment)
        self.stdout.write(f"påmindelser lagt i udbakken: {sent}")
