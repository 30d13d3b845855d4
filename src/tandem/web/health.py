"""The health check: the process answers and the database is reachable."""

from __future__ import annotations

from django.db import connection

from tandem import __version__


def check_health() -> dict[str, str]:
    """A small status document; raises if the database cannot be queried."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "version": __version__, "database": connection.vendor}
