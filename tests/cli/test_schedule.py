"""`tandem schedule`: JSON and PSPLIB input, table and JSON output, one-line errors, quick start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_data import PSPLIB


def tandem(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tandem", "schedule", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def network(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            {
                "tasks": [
                    {"id": "A", "name": "Design", "duration": 3},
                    {"id": "B", "name": "Build", "duration": 5},
                    {"id": "C", "name": "Docs", "duration": 2},
                    {"id": "D", "name": "Launch", "duration": 0},
                ],
                "links": [
                    {"from": "A", "to": "B"},
                    {"from": "A", "to": "C"},
                    {"from": "B", "to": "D"},
                    {"from": "C", "to": "D"},
                ],
            }
        )
    )
    return path


def test_json_output_has_the_documented_shape(network: Path) -> None:
    result = tandem(str(network), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["finish"] == 8
    assert out["critical_path"] == ["A", "B", "D"]
    assert out["tasks"]["C"].items() >= {
        "early_start": 3, "early_finish": 5, "late_start": 6, "late_finish": 8,
        "total_float": 3, "free_float": 3, "critical": False,
    }.items()  # fmt: skip


def test_the_table_lists_the_critical_path_first(network: Path) -> None:
    result = tandem(str(network))
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in rows] == ["A", "B", "D", "C"]


def test_a_psplib_instance_schedules_to_its_critical_path_length() -> None:
    result = tandem(str(PSPLIB / "j30" / "j301_1.sm"), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["finish"] == 38
    assert set(out["tasks"]) == {str(i) for i in range(1, 33)}


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ('{"tasks": [{"id": "A", "duration": 1}, {"id": "B", "duration": 1}], '
         '"links": [{"from": "A", "to": "B"}, {"from": "B", "to": "A"}]}', ".json",
         "cycle: A → B → A"),
        ('{"tasks": [{"id": "A", "duration": "x"}]}', ".json", '"duration" must be a number'),
        ("{", ".json", "plan.json:1: not JSON"),
        ("projects : 1", ".sm", "not a PSPLIB .sm file"),
        ("a,b", ".csv", "unknown file type .csv"),
    ],
)  # fmt: skip
def test_bad_input_gives_one_line_and_exit_code_2(
    tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"plan{suffix}"
    path.write_text(content)
    result = tandem(str(path))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_missing_file_is_refused_clearly() -> None:
    missing = tandem("/nonexistent/plan.json")
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_level_prints_levelled_dates_the_makespan_and_the_bound() -> None:
    result = tandem(
        str(PSPLIB / "j30" / "j301_1.sm"), "--level", "--time-limit", "3", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # j301_1's proven optimum (solutions/j30opt.sm) is 43; the critical path alone gives 38.
    assert (out["makespan"], out["lower_bound"], out["optimal"]) == (43, 43, True)
    assert set(out["tasks"]) == {str(i) for i in range(1, 33)}
    assert out["tasks"]["2"]["finish"] - out["tasks"]["2"]["start"] == 8
    assert max(t["finish"] for t in out["tasks"].values()) == 43


def test_level_refuses_dated_networks_and_bad_limits(tmp_path: Path) -> None:
    dated = tmp_path / "dated.json"
    dated.write_text(json.dumps({"start": "2027-01-04", "tasks": [{"id": "A", "duration": 60}]}))
    refused = tandem(str(dated), "--level")
    assert refused.returncode == 2
    assert "plain units" in refused.stderr
    bad = tandem(str(PSPLIB / "j30" / "j301_1.sm"), "--level", "--time-limit", "0")
    assert bad.returncode == 2
    assert "--time-limit must be positive" in bad.stderr


def test_schedule_imports_no_web_framework(network: Path) -> None:
    code = (
        f"import sys; sys.argv=['tandem','schedule',{str(network)!r},'--format','json'];"
        "import tandem.cli as c\ntry:\n c.main()\nexcept SystemExit: pass\n"
        "print('django' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stderr.strip().endswith("False")
