"""Start-up checks an operator sees in `metrohub check` and at server start."""

from django.core.checks import Error, register
from django.db import connection
from django.db.utils import OperationalError


@register("database")
def postgres_utf8(app_configs=None, databases=None, **kwargs):
    # Chinese search and sorting need a UTF-8 database; a C/SQL_ASCII one silently breaks them.
    if connection.vendor != "postgresql" or not databases:
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"
            )
            encoding = cursor.fetchone()[0]
    except OperationalError:
        return []
    if encoding.upper() not in ("UTF8", "UTF-8"):
        return [
            Error(
                f"The PostgreSQL database uses encoding {encoding}; Metrohub needs UTF8.",
                hint="Create it with: createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME",
                id="metrohub.E001",
            )
        ]
    return []
