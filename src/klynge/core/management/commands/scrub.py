from django.core.management.base import BaseCommand

from klynge.core import secrecy


class Command(BaseCommand):
    help = (
        "Wipes what the database files still keep of secret votes and anonymous answers: SQLite's log "
        "(and with --vacuum the free pages of files from before secure_delete), PostgreSQL's old row "
        "versions (VACUUM FULL of the secret tables) and, with the rights for it, old log segments "
        "(CHECKPOINT). Run it nightly before the backup; see docs/secret-ballots.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--vacuum",
            action="store_true",
            help="SQLite: also rebuild the whole file (VACUUM), once after upgrading from an older Klynge",
        )

    def handle(self, *args, vacuum=False, **options):
        done = secrecy.scrub(vacuum=vacuum)
        self.stdout.write("Ryddet: " + (", ".join(done) or "intet at gøre"))
