"""Chinese search needs a UTF-8 character type on PostgreSQL."""

from django.core.checks import Error, register
from django.db import connection
from django.db.utils import DatabaseError


@register("database")
def postgres_utf8_ctype(app_configs=None, databases=None, **kwargs):
    if connection.vendor != "postgresql" or not databases:
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            ctype = cursor.fetchone()[0]
    except DatabaseError:
        return []
    if "utf8" not in ctype.lower().replace("-", ""):
        return [
            Error(
                f"The PostgreSQL database has the character type {ctype}; the capability "
                "catalogue's Chinese search needs a UTF-8 one.",
                hint="Create it with: createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME",
                id="metrohub.E101",
            )
        ]
    return []
