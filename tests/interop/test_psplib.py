"""PSPLIB .sm instances: every shipped instance parses and its critical path equals MPM-Time."""

from __future__ import annotations

import pytest

from tandem.core.network import schedule_project
from tandem.interop.psplib import PsplibFormatError, read_psplib
from tests.shared_data import PSPLIB

DATA = PSPLIB


def _mpm_time(text: str) -> int:
    info = text.split("PROJECT INFORMATION:")[1].splitlines()
    return int(info[2].split()[5])


def test_j301_1_reads_jobs_links_and_resources() -> None:
    project = read_psplib((DATA / "j30" / "j301_1.sm").read_text())
    assert len(project.tasks) == 32
    assert [r.capacity for r in project.resources] == [12, 13, 4, 12]
    assert project.tasks[1].duration == 8 and project.tasks[1].resources == {"R1": 4.0}
    assert {(lk.pred, lk.succ) for lk in project.links} >= {("1", "2"), ("1", "3"), ("1", "4")}


@pytest.mark.parametrize("group", ["j30", "j60", "j90", "j120"])
def test_every_instance_schedules_to_its_mpm_time(group: str) -> None:
    files = sorted((DATA / group).glob("*.sm"))
    assert len(files) >= 480
    wrong = []
    for path in files:
        text = path.read_text()
        if schedule_project(read_psplib(text, path.name)).finish != _mpm_time(text):
            wrong.append(path.name)
    assert wrong == []


def test_a_truncated_instance_names_the_line() -> None:
    text = (DATA / "j30" / "j301_1.sm").read_text().splitlines()
    broken = "\n".join([*text[:20], "   5        1          x", *text[21:]])
    with pytest.raises(PsplibFormatError, match=r"j301_1.sm:21: expected whole numbers"):
        read_psplib(broken, "j301_1.sm")
    with pytest.raises(PsplibFormatError, match="not a PSPLIB"):
        read_psplib("hello", "x.sm")
