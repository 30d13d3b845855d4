"""Optimistic concurrency: each editable row carries a version that updates check and bump."""

from __future__ import annotations

from typing import Any

from tandem.errors import StaleVersion, VersionRequired


def expect_version(row: Any, version: int | None) -> None:
    """Refuse an update based on a version other than the row's current one."""
    if version is None:
        raise VersionRequired(
            "This update must say which version it changes (If-Match or the form's version).",
            field="version",
        )
    if int(version) != row.version:
        raise StaleVersion(
            f"{type(row).__name__} {row.pk} changed since you loaded it "
            f"(you had version {version}, it is now {row.version}); reload and try again.",
            field="version",
            details={"current_version": row.version},
        )


def bump(row: Any) -> None:
    """Advance the row's version; call before saving an update."""
    row.version += 1
