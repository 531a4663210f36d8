# Each calibration record carries the date of its instrument's next record, the end of the window
# reverse traceability reads; existing records get it here, new ones from standards.windows.

from django.db import migrations, models

FILL = """
UPDATE standards_instrumentcertificate SET next_issued_on = (
    SELECT MIN(n.issued_on) FROM standards_instrumentcertificate n
    WHERE n.instrument_id = standards_instrumentcertificate.instrument_id
      AND n.issued_on > standards_instrumentcertificate.issued_on
)
"""


def fill(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="instrumentcertificate",
            name="next_issued_on",
            field=models.DateField(
                editable=False,
                null=True,
                verbose_name="date of the next calibration or verification",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
