from django.db import migrations


def seed(apps, schema_editor):
    from metrohub.legaltime.services import seed_from_package

    seed_from_package(
        day_model=apps.get_model("legaltime", "CalendarDay"),
        year_model=apps.get_model("legaltime", "CalendarYear"),
    )


class Migration(migrations.Migration):
    dependencies = [("legaltime", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
