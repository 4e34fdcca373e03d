from django.core.management.base import CommandError

from klynge.core import dates
from klynge.core.text import counted


def print_result(command, result) -> None:
    if result.errors:
        for line, message in result.errors:
            command.stderr.write(f"Linje {line}: {message}" if line else message)
        raise CommandError("Intet er importeret.")
    if result.same_as is not None:
        command.stdout.write(
            f"Ingen ændringer: filen er den samme som ved importen {dates.stamp(result.same_as.at)} "
            f"({counted(result.unchanged, 'værdi', 'værdier')}), og intet den bygger på er ændret siden; "
            "den er ikke læst igen."
        )
        return
    if not result.changed:
        command.stdout.write(
            f"Ingen ændringer ({counted(result.rows_read, 'række', 'rækker')} læst; alle værdier fandtes allerede)."
        )
        return
    command.stdout.write(
        f"{counted(result.rows_read, 'række', 'rækker')} læst; {counted(result.created, 'ny værdi', 'nye værdier')}, "
        f"{result.replaced} erstattet, "
        f"{result.unchanged} uændret ({result.seconds:.1f} s)."
    )
    if result.skipped_practices:
        command.stdout.write(
            f"{result.skipped_practices} ydernumre findes ikke i registret; de tæller kun med i landstallet."
        )
