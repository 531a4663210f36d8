"""Counts the certificates already issued into their tallies, in one INSERT … SELECT … GROUP BY."""

from django.db import migrations


def fill(apps, schema_editor):
    certificates = apps.get_model("certificates", "Certificate")
    tallies = apps.get_model("certificates", "IssueTally")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(*_fill_sql(certificates, tallies, schema_editor.connection))


def _fill_sql(certificates, tallies, connection):
    # Written out here rather than imported, so that the migration keeps doing what it did.
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    counted = (
        certificates.objects.order_by()
        .annotate(in_year=ExtractYear("issued_at"))
        .values("center_id", "in_year", "kind")
        .annotate(n=Count("pk"))
    )
    select, params = counted.query.sql_with_params()
    table = connection.ops.quote_name(tallies._meta.db_table)
    return (
        f"INSERT INTO {table} (center_id, year, kind, issued) "
        f"SELECT counted.center_id, counted.in_year, counted.kind, counted.n FROM ({select}) counted",
        params,
    )


def empty(apps, schema_editor):
    apps.get_model("certificates", "IssueTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0006_issue_tallies")]

    operations = [migrations.RunPython(fill, empty)]
