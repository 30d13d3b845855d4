"""A status report as Markdown: the same sections as the page, figures as a list and tables
as pipe tables with header separators (charts stay in the page and the PDF)."""

from __future__ import annotations

from tandem.finance.report import StatusReport
from tandem.finance.report_layout import Section, Table


def _escape(text: str) -> str:
    """Names typed by people read literally: no emphasis, code, links or HTML from them."""
    for char in ("\\", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    # Not every Markdown reader takes \< as an escape; every one reads the entity.
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").split())


def _cell(text: str) -> str:
    # A pipe would end the cell.
    return _escape(text).replace("|", "\\|")


def _table(table: Table) -> list[str]:
    lines = [f"### {_escape(table.title)}", ""]
    if not table.rows:
        return [*lines, table.empty, ""]
    rule = {"l": "---", "r": "---:"}
    lines.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    lines.append("| " + " | ".join(rule[a] for a in table.align) + " |")
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows)
    return [*lines, ""]


def _section(section: Section) -> list[str]:
    lines = [f"## {_escape(section.title)}", ""]
    if section.figures:
        for figure in section.figures:
            note = f" — {_escape(figure.note)}" if figure.note else ""
            lines.append(f"- **{_escape(figure.label)}:** {_escape(figure.value)}{note}")
        lines.append("")
    for table in section.tables:
        lines.extend(_table(table))
    lines.extend(line for note in section.notes for line in (f"_{_escape(note)}_", ""))
    return lines


def to_markdown(report: StatusReport) -> str:
    """The whole report as one Markdown document."""
    lines = [f"# {_escape(report.title)}", "", _escape(report.subtitle), ""]
    for section in report.sections:
        lines.extend(_section(section))
    return "\n".join(lines).rstrip() + "\n"
