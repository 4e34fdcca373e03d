from django.core.management.base import BaseCommand, CommandError

from klynge.core import secrecy


class Command(BaseCommand):
    help = (
        "Wipes what the database files still keep of secret votes and anonymous answers: SQLite's log "
        "(and with --vacuum the free pages of files from before secure_delete), PostgreSQL's old row "
        "versions (the secret tables given new files with their rows written anew) and, with the rights "
        "for it, old log segments (CHECKPOINT). Run it nightly before the backup; see "
        "docs/secret-ballots.md. Fails, naming them, when sessions holding the secret tables kept it waiting."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--vacuum",
            action="store_true",
            help="SQLite: also rebuild the whole file (VACUUM), once after upgrading from an older Klynge",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="PostgreSQL: how long to wait for sessions holding the secret tables (default 60)",
        )

    def handle(self, *args, vacuum=False, wait=60.0, **options):
        try:
            done = secrecy.scrub(vacuum=vacuum, wait_seconds=wait)
        except secrecy.ScrubIncomplete as incomplete:
            raise CommandError(
                "De hemmelige tabeller blev ikke skrevet om: disse sessioner holdt dem. Afslut dem og kør igen:\n"
                + "\n".join(incomplete.args[0])
            ) from incomplete
        self.stdout.write("Ryddet: " + (", ".join(done) or "intet at gøre"))
