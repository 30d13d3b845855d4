"""Set Django up for commands that touch the database (never imported by `schedule`)."""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django once per process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
