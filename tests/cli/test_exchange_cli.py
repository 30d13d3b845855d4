"""`tandem csv-export`, `csv-import`, `backup` and `restore`, run in-process as the console
entry point runs them, on the demo organisation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Organisation
from tandem.demo import load_demo
from tandem.products.models import Metric, Product
from tandem.projects import services
from tandem.projects.models import Project, Task
from tests.cli.conftest import Result

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> Organisation:
    return load_demo()


def test_the_demo_plan_exports_and_imports_into_an_empty_project_identically(
    demo: Organisation, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    mobile = Project.objects.get(organisation=demo, key="MOB")
    exported = tandem("csv-export", "tasks", "MOB", "--org", demo.slug)
    assert exported.code == 0, exported.err
    lines = exported.out.splitlines()
    assert len(lines) == 1 + Task.objects.filter(project=mobile).count()
    # An empty project planned the same way: same start, calendar and status date (the day
    # remaining work is scheduled from).
    copy = services.create_project(
        OPERATOR,
        demo.pk,
        name="Copy",
        key="COPY",
        start=mobile.start,
        calendar_id=mobile.calendar_id,
        status_date=mobile.status_date,
    )
    file = tmp_path / "mobile.csv"
    file.write_text(exported.out)
    checked = tandem("csv-import", "tasks", "COPY", str(file), "--org", demo.slug, "--dry-run")
    assert checked.code == 0
    assert checked.out.startswith(f"{file} is valid: importing would add 55 tasks,")
    assert not Task.objects.filter(project=copy).exists()
    imported = tandem("csv-import", "tasks", "COPY", str(file), "--org", demo.slug)
    assert imported.code == 0 and imported.out.startswith("Imported 55 tasks,")
    again = tandem("csv-export", "tasks", "COPY", "--org", demo.slug)
    assert again.out == exported.out


def test_a_bad_csv_lists_every_problem_and_exits_2(
    demo: Organisation, tandem: Callable[..., Result], tmp_path: Path, row_counts: Counts
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("name,duration,predecessors\nA,2d,\nB,soon,1\nC,1d,9\n")
    before = row_counts()
    result = tandem("csv-import", "tasks", "INS", str(file), "--org", demo.slug)
    assert result.code == 2
    assert result.err.splitlines() == [
        "line 3 (duration): 'soon' is not a duration such as 5d, 3h or 90m.",
        "line 4 (predecessors): No row has the ID 9.",
        f"tandem: 2 problems in {file}; nothing imported.",
    ]
    assert row_counts() == before
    assert tandem("csv-import", "tasks", "INS", str(tmp_path / "missing.csv")).code == 2
    assert tandem("csv-import", "gantt", "INS", str(file)).err == (
        "tandem: Unknown kind 'gantt'; use one of tasks, roadmap, measurements.\n"
    )


def test_roadmap_and_measurements_go_out_and_in_by_key(
    demo: Organisation, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    product = Product.objects.filter(organisation=demo).order_by("id").first()
    assert product is not None
    roadmap = tandem("csv-export", "roadmap", product.key, "--org", demo.slug)
    assert roadmap.code == 0 and roadmap.out.startswith("title,kind,status,")
    assert len(roadmap.out.splitlines()) == 1 + product.roadmap_items.count()
    metric = Metric.objects.filter(product=product).order_by("id").first()
    assert metric is not None
    name = f"{metric.product.key}/{metric.key}"
    out = tmp_path / "metric.csv"
    result = tandem("csv-export", "measurements", name, "-o", str(out))
    assert result.code == 0 and out.read_bytes().startswith(b"at,value\r\n")
    # Importing the metric's own measurements again repeats every one of them.
    repeat = tandem("csv-import", "measurements", name, str(out))
    assert repeat.code == 2 and "already has this measurement" in repeat.err


def test_backup_and_restore_through_the_command_line(
    demo: Organisation, tandem: Callable[..., Result], tmp_path: Path, row_counts: Counts
) -> None:
    file = tmp_path / "lumen.json"
    result = tandem("backup", demo.slug, str(file))
    assert result.code == 0
    assert f"Backed up Lumen Labs to {file}" in result.err
    assert json.loads(file.read_text())["organisation"]["slug"] == demo.slug
    before = row_counts()
    refused = tandem("restore", str(file))
    assert refused.code == 2
    assert "a restore never replaces one" in refused.err
    assert row_counts() == before
    restored = tandem("restore", str(file), "--as-new-slug", "lumen-copy")
    assert restored.code == 0 and "Restored Lumen Labs as /o/lumen-copy/." in restored.err
    copy = tmp_path / "copy.json"
    assert tandem("backup", "lumen-copy", str(copy)).code == 0
    assert copy.read_text().replace('"slug": "lumen-copy"', f'"slug": "{demo.slug}"') == (
        file.read_text()
    )
    truncated = tmp_path / "truncated.json"
    truncated.write_text(file.read_text()[:5000])
    before = row_counts()
    broken = tandem("restore", str(truncated), "--as-new-slug", "lumen-3")
    assert broken.code == 2 and "it ends early (truncated?)" in broken.err
    assert row_counts() == before
