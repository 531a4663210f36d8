from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_due_on(apps, schema_editor):
    """Every obligation takes its stored deadline's due date."""
    Obligation = apps.get_model("cases", "Obligation")
    StoredDeadline = apps.get_model("legaltime", "StoredDeadline")
    due = StoredDeadline.objects.filter(pk=OuterRef("deadline_id")).values("due")
    Obligation.objects.update(due_on=Subquery(due))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_obligation_live_index"),
        ("legaltime", "0002_seed_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="due_on",
            field=models.DateField(null=True, verbose_name="due"),
        ),
        migrations.RunPython(fill_due_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="obligation",
            name="due_on",
            field=models.DateField(verbose_name="due"),
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("state__in", ["open", "overdue"])),
                fields=["due_on", "id", "case", "responsible_role", "kind", "state"],
                name="cases_obligation_live_due",
            ),
        ),
    ]
