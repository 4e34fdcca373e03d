"""`klynge survey-reminders`: mails a reminder to those who have not answered an open questionnaire."""

from django.core.management.base import BaseCommand

from klynge.surveys import services


class Command(BaseCommand):
    help = "Sender påmindelser om åbne spørgeskemaer til dem, der ikke har svaret."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every-days",
            type=int,
            default=3,
            help="Påmind højst hver N. dag pr. spørgeskema (standard 3).",
        )

    def handle(self, *args, every_days: int, **options):
        total = 0
        for survey in services.surveys_due_for_reminder(every_days=every_days):
            count = services.survey_remind(survey=survey)
            total += count
            self.stdout.write(f"{survey.cluster.slug}: {survey.title}: {count} påmindelser")
        self.stdout.write(f"I alt {total} påmindelser lagt i udbakken.")
