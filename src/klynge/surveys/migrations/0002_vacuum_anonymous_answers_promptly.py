from django.db import migrations

TABLES = ["surveys_response", "surveys_answer"]


def vacuum_promptly(apps, schema_editor):
    """PostgreSQL keeps each earlier version of a rewritten row until VACUUM; every anonymous answer
    rewrites the survey's responses. Autovacuum visits these tables as soon as any row is dead (within
    autovacuum_naptime, one minute by default) instead of after 20 % of the table."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0)"
        )


def vacuum_as_before(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(vacuum_promptly, vacuum_as_before)]
