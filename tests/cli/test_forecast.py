"""`tandem forecast`: three-point estimates from JSON, the documented JSON shape, seeds, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def tandem(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tandem", "forecast", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def network(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            "tasks": [
                {"id": "A", "name": "Design", "optimistic": 3, "most_likely": 5, "pessimistic": 10},
                {"id": "B", "name": "Build", "optimistic": 5, "most_likely": 8,
                 "pessimistic": 20, "distribution": "pert"},
                {"id": "C", "name": "Docs", "duration": 4},
                {"id": "M1", "name": "Ready", "duration": 0, "deadline": 16},
            ],
            "links": [{"from": "A", "to": "B"}, {"from": "A", "to": "C"},
                      {"from": "B", "to": "M1"}, {"from": "C", "to": "M1"}],
        },
    )  # fmt: skip


def test_json_output_has_the_documented_shape(network: Path) -> None:
    run = tandem(str(network), "--format", "json", "--iterations", "4000", "--seed", "9")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["iterations"] == 4000
    finish = out["finish"]
    assert 13 <= finish["p50"] <= finish["p80"] <= finish["p95"] <= 30
    assert set(finish) == {"p50", "p80", "p95", "mean"}
    assert out["tasks"]["B"]["criticality"] == 1 and out["tasks"]["C"]["criticality"] == 0
    assert 0 < out["deadlines"]["M1"]["probability"] < 1
    assert out["drivers"][0]["task"] == "B"


def test_the_same_seed_prints_the_same_forecast(network: Path) -> None:
    runs = [tandem(str(network), "--format", "json", "--seed", "4").stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert tandem(str(network), "--format", "json", "--seed", "5").stdout != runs[0]


def test_the_table_shows_percentiles_deadlines_and_drivers(network: Path) -> None:
    run = tandem(str(network), "--iterations", "2000")
    assert run.returncode == 0, run.stderr
    for text in ("P50", "P80", "P95", "project finish", "M1", "Build"):
        assert text in run.stdout


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"id": "A", "optimistic": 3, "most_likely": 5}, 'also needs "pessimistic"'),
        ({"id": "A", "optimistic": 6, "most_likely": 5, "pessimistic": 9}, "optimistic <="),
        ({"id": "A", "duration": 3, "distribution": "normal"}, '"triangular" or "pert"'),
    ],
)
def test_bad_estimates_are_refused_with_one_line(
    tmp_path: Path, task: dict[str, Any], message: str
) -> None:
    run = tandem(str(write(tmp_path, {"tasks": [task]})))
    assert run.returncode == 2
    assert message in run.stderr and "task A" in run.stderr
    assert run.stdout == ""
