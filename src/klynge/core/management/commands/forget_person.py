from django.core.management.base import BaseCommand, CommandError

from klynge.core.models import Person
from klynge.core.privacy import person_erase


class Command(BaseCommand):
    help = "Erases a person on request: anonymises them where the cluster must keep the record."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(f"Ingen person med e-mail {email}")
        person_erase(person=person)
        self.stdout.write(f"Person {person.pk} er anonymiseret")
