"""The layering of DESIGN.md holds: core stays pure, entry points stay thin."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "tandem"
FORBIDDEN_IN_CORE = {"django", "ninja", "tandem.accounts", "tandem.web", "requests", "sqlite3"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_framework_database_or_other_app() -> None:
    offenders = []
    for path in sorted((SRC / "core").rglob("*.py")):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IN_CORE):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_core_never_reads_the_clock() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted((SRC / "core").rglob("*.py"))
        if any(call in path.read_text() for call in ("datetime.now(", "date.today(", "time.time("))
    ]
    assert offenders == []


def test_views_and_api_never_write_rows_themselves() -> None:
    # Row writes by the ORM (a dict's .update is fine; `router.delete(` declares a route).
    writes = re.compile(
        r"(?<!router)\.(save|delete)\(|\)\.(update|delete)\("
        r"|objects\.(create|bulk_create|bulk_update|get_or_create|update_or_create)\("
    )
    offenders = []
    for name in ("views*.py", "api*.py"):
        for path in sorted(SRC.rglob(name)):
            offenders += [
                f"{path.relative_to(SRC)}:{n}: {line.strip()}"
                for n, line in enumerate(path.read_text().splitlines(), 1)
                if writes.search(line)
            ]
    assert offenders == []


def test_the_cli_starts_without_importing_django() -> None:
    code = "import sys, tandem.cli; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
