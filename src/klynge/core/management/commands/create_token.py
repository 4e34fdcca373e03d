from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Person
from klynge.core.services import api_token_create


class Command(BaseCommand):
    help = "Creates a personal API token for a person and prints it once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Kommandolinje")

    def handle(self, *args, email, name, **options):
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(f"Ingen person med e-mail {email}")
        _, secret = api_token_create(person=person, name=name)
        self.stdout.write(secret)
