"""tandem's JSON network format: plain and dated networks, calendars and refusals."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from tandem.core.cpm import LinkType
from tandem.core.network import ConstraintType, LagFormat, schedule_project
from tandem.interop.network_json import NetworkFormatError, read_network


def test_a_plain_network_uses_numbers() -> None:
    project = read_network(
        json.dumps(
            {
                "tasks": [{"id": "A", "duration": 3}, {"id": "B", "duration": 2, "deadline": 4}],
                "links": [{"from": "A", "to": "B", "type": "ss", "lag": 1}],
            }
        )
    )
    assert project.start is None
    assert project.links[0].type is LinkType.SS and project.links[0].lag == 1
    assert project.tasks[1].deadline == 4.0


def test_a_dated_network_reads_calendars_and_bare_dates_as_working_moments() -> None:
    project = read_network(
        json.dumps(
            {
                "start": "2027-01-04",
                "calendar": {
                    "working_days": ["mon", "tue", "wed", "thu"],
                    "hours": [["09:00", "13:00"], ["14:00", "18:00"]],
                    "holidays": ["2027-01-05"],
                    "exceptions": [{"date": "2027-01-08", "hours": [["10:00", "12:00"]]}],
                },
                "calendars": {
                    "lab": {"base": "project", "weekdays": {"fri": [["08:00", "16:00"]]}}
                },
                "tasks": [
                    {
                        "id": "A",
                        "duration": 480,
                        "constraint": {"type": "FNLT", "date": "2027-01-07"},
                    },
                    {"id": "B", "duration": 60, "calendar": "lab"},
                ],
                "links": [{"from": "A", "to": "B", "lag": 2880, "lag_format": "elapsed"}],
            }
        )
    )
    assert project.start == datetime(2027, 1, 4, 9, 0)
    assert project.calendar is not None
    assert not project.calendar.is_working_day(date(2027, 1, 5))
    assert project.calendar.hours_on(date(2027, 1, 8)) == ((600, 720),)
    assert project.calendars["lab"].hours_on(date(2027, 1, 15)) == ((480, 960),)
    a = project.tasks[0]
    assert a.constraint is ConstraintType.FNLT
    assert a.constraint_date == datetime(2027, 1, 7, 18, 0)  # end of that working day
    assert project.links[0].lag_format is LagFormat.ELAPSED
    result = schedule_project(project)
    assert result.tasks["A"].early_finish == datetime(2027, 1, 4, 18, 0)
    # Two elapsed days after A: Wednesday 18:00, the end of the lab's day; B starts Thursday.
    assert result.tasks["B"].early_start == datetime(2027, 1, 7, 9, 0)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{", "network:1: not JSON"),
        ("[]", "top level must be an object"),
        ('{"tasks": {}}', '"tasks" must be a list'),
        ('{"tasks": [{"name": "x"}]}', "task #1"),
        ('{"tasks": [{"id": "A", "duration": "3d"}]}', 'task A: "duration" must be a number'),
        ('{"tasks": [{"id": "A", "duration": -1}]}', "task A: duration must not be negative"),
        ('{"tasks": [{"id": "A", "constraint": {"type": "XYZ"}}]}', "unknown constraint type"),
        ('{"tasks": [{"id": "A", "constraint": {"type": "SNET"}}]}', "needs a date"),
        ('{"tasks": [], "links": [{"from": "A", "to": "B", "type": "QQ"}]}', "link A → B"),
        ('{"tasks": [], "calendar": {}}', "need a project"),
        ('{"start": "2027-13-01", "tasks": []}', "not an ISO date"),
        ('{"start": "2027-01-04", "calendar": {"hours": [["9", "8"]]}, "tasks": []}', "calendar"),
        ('{"tasks": [], "colour": 1}', "unknown key 'colour'"),
    ],
)
def test_malformed_networks_name_the_place(document: str, message: str) -> None:
    with pytest.raises(NetworkFormatError, match=message):
        read_network(document)
