"""CSV files in and out: reading a header and rows, naming bad rows, writing a table.

Shared by every CSV exchange (tasks, roadmap items, measurements) so they read files the same
way: a header row names the columns in any order and any case, blank lines are skipped, line
numbers count from the header (line 1), and a refusal lists every bad row at once.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tandem.errors import Invalid

MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row: its line in the file, the column at fault, and why."""

    row: int | None  # the line in the file (the header is line 1); None for the whole file
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Table:
    """A CSV file read: its normalised header and the non-blank rows with their lines."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def column_key(name: str) -> str:
    """A header cell as a column name: trimmed, lower-case, spaces and hyphens as underscores."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_table(
    text: str,
    *,
    code: str,
    required: Sequence[str] = (),
    known: Sequence[str] | None = None,
    aliases: Mapping[str, str] | None = None,
    expected: str = "",
) -> Table:
    """Read CSV ``text`` into a Table, or refuse the whole file.

    ``code`` prefixes the refusal codes (``{code}_empty``, ``_header``, ``_malformed``,
    ``_too_large``). With ``known``, a column that is neither known nor an alias is refused:
    a misspelt header must not be ignored silently. ``expected`` is shown in header refusals.
    """
    aliases = aliases or {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        try:
            first = next(reader)
        except StopIteration:
            raise Invalid("The file is empty.", field="file", code=f"{code}_empty") from None
        header = [aliases.get(column_key(cell), column_key(cell)) for cell in first]
        hint = f"; expected {expected}" if expected else ""
        missing = [name for name in required if name not in header]
        if missing:
            raise Invalid(
                f"The header lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}{hint}.",
                field="file",
                code=f"{code}_header",
            )
        if known is not None:
            unknown = [name for name in header if name and name not in known]
            if unknown:
                raise Invalid(
                    f"The header names unknown column{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(unknown)}{hint}.",
                    field="file",
                    code=f"{code}_header",
                )
        repeated = sorted({name for name in header if name and header.count(name) > 1})
        if repeated:
            raise Invalid(
                f"The header names {', '.join(repeated)} more than once.",
                field="file",
                code=f"{code}_header",
            )
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, dict(zip(header, cells, strict=False))))
                if len(rows) > MAX_ROWS:
                    raise Invalid(
                        f"The file has more than {MAX_ROWS} rows; split it.",
                        field="file",
                        code=f"{code}_too_large",
                    )
            line = reader.line_num + 1
    except csv.Error as error:
        raise Invalid(
            f"Line {reader.line_num}: the file is not valid CSV ({error}).",
            field="file",
            code=f"{code}_malformed",
        ) from None
    return Table(header=header, rows=rows)


def refuse(errors: list[RowError], *, code: str, what: str = "imported") -> None:
    """Raise Invalid listing every error, sorted by line; do nothing when there are none."""
    if not errors:
        return
    errors = sorted(errors, key=lambda e: e.row or 0)
    count = len(errors)
    raise Invalid(
        f"{count} row{'s' if count != 1 else ''} of the file "
        f"{'are' if count != 1 else 'is'} invalid; nothing was {what}.",
        field="file",
        code=f"{code}_invalid",
        details={"errors": [e.as_dict() for e in errors]},
    )


def write_table(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """CSV text with a header of ``columns`` and one line per row (RFC 4180, CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue()


def format_number(value: float | int | None) -> str:
    """A number as the shortest text that reads back to the same float ("" for None)."""
    if value is None:
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def parse_number(text: str) -> float:
    """A finite number from a cell; ValueError otherwise."""
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value
