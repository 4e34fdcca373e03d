import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from klynge.projects.services import project_reminders_run


class Command(BaseCommand):
    help = (
        "Daily job of the project pipeline: marks projects held after their meeting, reminds the board "
        "(through the outbox) some months before a revisit date and proposes a follow-up meeting."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="run as if it were this date (YYYY-MM-DD); for tests")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today skal være en dato som 2027-03-01")
        counts = project_reminders_run(today=day)
        self.stdout.write(
            f"gennemført: {counts['held']}, påmindelser: {counts['reminded']}, "
            f"opfølgningsmøder foreslået: {counts['proposed']}, genbesøg forfaldne: {counts['due']}"
        )
