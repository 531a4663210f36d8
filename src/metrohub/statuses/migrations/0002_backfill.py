"""Every center registered before its status history was kept gets its first entry."""

from django.db import migrations


def backfill(apps, schema_editor):
    from metrohub.statuses.services import backfill

    backfill(apps.get_model("centers", "Center"), apps.get_model("statuses", "StatusChange"))


class Migration(migrations.Migration):
    dependencies = [("statuses", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
