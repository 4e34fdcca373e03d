"""Pseudonyms for every member practice that has none (they are drawn when a practice joins from now on,
never on a page view), a data version for every cluster, and the database cache's table."""

import secrets

from django.core.management import call_command
from django.db import migrations

from klynge.quality.stats.pseudonyms import PREFIX, pseudonym_label

TIERS = (26, 26 + 26**2, 26 + 26**2 + 26**3)


def _draw(taken: set[str]) -> str:
    # The same draw as klynge.quality.privacy._draw, frozen here as migrations must be.
    for size in TIERS:
        free = [c for c in (pseudonym_label(i).removeprefix(PREFIX + " ") for i in range(size)) if c not in taken]
        if free:
            return secrets.choice(free)
    raise RuntimeError("no pseudonym left")


def forwards(apps, schema_editor):
    Membership = apps.get_model("core", "Membership")
    Cluster = apps.get_model("core", "Cluster")
    Pseudonym = apps.get_model("quality", "Pseudonym")
    DataVersion = apps.get_model("quality", "DataVersion")
    members: dict[int, list[int]] = {}
    for cluster_id, practice_id in Membership.objects.values_list("cluster_id", "practice_id"):
        members.setdefault(cluster_id, []).append(practice_id)
    new = []
    for cluster_id, practice_ids in members.items():
        rows = list(Pseudonym.objects.filter(cluster_id=cluster_id).values_list("practice_id", "letters"))
        labelled = {pid for pid, _ in rows}
        taken = {code for _, code in rows}
        for pid in sorted(set(practice_ids) - labelled):
            code = _draw(taken)
            taken.add(code)
            new.append(Pseudonym(cluster_id=cluster_id, practice_id=pid, letters=code))
    Pseudonym.objects.bulk_create(new, batch_size=2000)
    keys = ["n", *(f"c{pk}" for pk in Cluster.objects.values_list("pk", flat=True))]
    existing = set(DataVersion.objects.values_list("key", flat=True))
    DataVersion.objects.bulk_create(
        [DataVersion(key=key, token=secrets.randbits(62)) for key in keys if key not in existing], batch_size=2000
    )
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("quality", "0005_data_version"), ("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
