# The standards a job used keep their table (certificates_job_standards); it becomes an explicit
# model so that it can carry the job's date of measurement and an index on (standard, date).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_stored_checks"),
        ("standards", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StandardUse",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("job", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="certificates.job")),
                        ("measurementstandard", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="standards.measurementstandard")),
                    ],
                    options={"db_table": "certificates_job_standards"},
                ),
                migrations.AlterField(
                    model_name="job",
                    name="standards",
                    field=models.ManyToManyField(blank=True, related_name="jobs", through="certificates.StandardUse", to="standards.measurementstandard", verbose_name="standards used"),
                ),
                migrations.AlterUniqueTogether(
                    name="standarduse",
                    unique_together={("job", "measurementstandard")},
                ),
            ],
        ),
        migrations.AddField(
            model_name="standarduse",
            name="measured_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE certificates_job_standards SET measured_on = "
            "(SELECT j.measured_on FROM certificates_job j WHERE j.id = job_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="standarduse",
            index=models.Index(fields=["measurementstandard", "measured_on", "job"], name="certificates_use_window"),
        ),
    ]
