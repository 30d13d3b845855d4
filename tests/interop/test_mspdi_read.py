"""Reading MS Project XML into a PlanFile: links of every type with lags, the outline of
summaries, calendars with bases and recurring exceptions, resources, assignments and costs
from files MS Project saved — and malformed uploads refused with a message that says why."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tandem.interop.mspdi_codes import NS
from tandem.interop.mspdi_read import MspdiError, read_mspdi
from tandem.interop.plan_file import PlanFile
from tests.shared_data import PROJECT_FILES

MSPDI = PROJECT_FILES / "mspdi"
OFFICE_DAY = [(480, 720), (780, 1020)]  # 08:00-12:00, 13:00-17:00


def read(path: Path) -> PlanFile:
    return read_mspdi(path.read_bytes(), name=path.stem)


def project_xml(body: str) -> bytes:
    """A minimal MSPDI document around ``body``."""
    return f'<?xml version="1.0"?><Project xmlns="{NS}">{body}</Project>'.encode()


# -- task links (saved by Project 2019) ----------------------------------------------------


def test_task_links_file_holds_16_top_level_one_day_tasks() -> None:
    plan = read(MSPDI / "mpxj-task-links-project2019.xml")
    assert plan.source == "MS Project XML"
    assert plan.name == "task-links-project2019-mspdi.xml"  # no Title: the Name element
    assert plan.counts() == {
        "tasks": 16,
        "links": 8,
        "calendars": 1,
        "resources": 0,
        "assignments": 0,
    }
    assert [t.uid for t in plan.tasks] == [str(n) for n in range(1, 17)]
    assert [t.name for t in plan.tasks] == ["Task 1", "Task 2"] * 8
    assert {t.parent_uid for t in plan.tasks} == {None}
    assert {(t.duration, t.summary, t.milestone, t.constraint) for t in plan.tasks} == {
        (480, False, False, "ASAP")
    }
    assert (plan.start, plan.finish) == (datetime(2018, 10, 18, 8), datetime(2018, 11, 2, 17))
    assert (plan.currency, plan.minutes_per_day, plan.calendar_uid) == ("GBP", 480, "1")
    (calendar,) = plan.calendars
    assert calendar.name == "Standard"
    assert calendar.week == [OFFICE_DAY] * 5 + [[], []]
    assert plan.warnings == ["16 manually scheduled tasks are scheduled automatically in tandem."]


def test_task_links_of_every_type_carry_their_lags_in_working_minutes() -> None:
    plan = read(MSPDI / "mpxj-task-links-project2019.xml")
    assert [(k.pred_uid, k.succ_uid, k.type, k.lag, k.lag_format) for k in plan.links] == [
        ("1", "2", "FS", 0, "working"),
        ("3", "4", "FS", 480, "working"),  # one day
        ("5", "6", "FS", 960, "working"),
        ("7", "8", "FS", 2400, "working"),  # one week
        ("9", "10", "FS", 4800, "working"),
        ("11", "12", "SF", 960, "working"),
        ("13", "14", "SS", 960, "working"),
        ("15", "16", "FF", 960, "working"),
    ]


def test_task_links_keep_the_dates_ms_project_scheduled() -> None:
    tasks = {t.uid: t for t in read(MSPDI / "mpxj-task-links-project2019.xml").tasks}
    # Thursday's task, then FS with one day of lag: the successor starts on Monday.
    assert (tasks["3"].start, tasks["3"].finish) == (
        datetime(2018, 10, 18, 8),
        datetime(2018, 10, 18, 17),
    )
    assert (tasks["4"].start, tasks["4"].finish) == (
        datetime(2018, 10, 22, 8),
        datetime(2018, 10, 22, 17),
    )
    assert tasks["10"].start == datetime(2018, 11, 2, 8)  # FS + 10 days
    assert tasks["8"].start == datetime(2018, 10, 26, 8)  # FS + 5 days


# -- the general sample (outline, calendars, resources, costs) ------------------------------


def test_sample_outline_has_parents_before_children_with_outline_numbers() -> None:
    plan = read(MSPDI / "mpxj-sample.xml")
    assert plan.name == "sample"
    assert len(plan.tasks) == 19
    by_uid = {t.uid: t for t in plan.tasks}
    outline = [(t.outline_number, t.name, t.parent_uid) for t in plan.tasks]
    assert outline[:6] == [
        ("1", "First Task", None),
        ("1.1", "Second Task", "1"),
        ("1.2", "Third task", "1"),
        ("2", "Recurring Task", None),
        ("2.1", "Recurring Task 1", "6"),
        ("2.2", "Recurring Task 2", "6"),
    ]
    assert outline[6] == ("3", "Task Relationships", None)
    assert [(n, p) for n, _, p in outline[7:]] == [(f"3.{k}", "19") for k in range(1, 13)]
    assert [t.name for t in plan.tasks if t.summary] == [
        "First Task",
        "Recurring Task",
        "Task Relationships",
    ]
    seen: set[str] = set()
    for task in plan.tasks:
        assert task.parent_uid is None or task.parent_uid in seen
        seen.add(task.uid)
    third = by_uid["3"]
    assert (third.milestone, third.duration) == (True, 0)
    assert by_uid["1"].notes == "Test Task Notes"
    recurring = by_uid["7"]
    assert (recurring.constraint, recurring.constraint_date, recurring.priority) == (
        "SNET",
        datetime(2003, 2, 1, 8),
        1000,
    )
    assert by_uid["2"].duration == 800 * 60


def test_sample_links_include_a_negative_lag_and_every_type() -> None:
    plan = read(MSPDI / "mpxj-sample.xml")
    assert [(k.pred_uid, k.succ_uid, k.type, k.lag) for k in plan.links] == [
        ("9", "10", "FS", 0),
        ("11", "12", "FS", 480),
        ("13", "14", "FS", -480),
        ("15", "16", "SS", 0),
        ("17", "18", "FF", 0),
        ("20", "21", "SF", 0),
    ]


def test_sample_calendars_include_a_night_shift_and_derived_resource_calendars() -> None:
    plan = read(MSPDI / "mpxj-sample.xml")
    calendars = {c.uid: c for c in plan.calendars}
    assert [(c.uid, c.name, c.base_uid, c.resource_uid) for c in plan.calendars] == [
        ("1", "Standard", None, None),
        ("2", "Night Shift", None, None),
        ("3", "First Resource", "1", "1"),
        ("4", "Second Resource", "2", "2"),
    ]
    assert plan.calendar_uid == "1"
    assert calendars["1"].week == [OFFICE_DAY] * 5 + [[], []]
    # 23:00-00:00 ends at midnight; the shift goes on after midnight the next day.
    night = calendars["2"].week
    assert night[0] == [(1380, 1440)]
    assert night[1] == [(0, 180), (240, 480), (1380, 1440)]
    assert night[5] == [(0, 180), (240, 480)]
    assert night[6] == []
    # A derived calendar leaves every weekday to its base.
    assert calendars["3"].week == [None] * 7
    assert calendars["3"].exceptions == []


def test_sample_resources_assignments_and_costs_in_minor_units() -> None:
    plan = read(MSPDI / "mpxj-sample.xml")
    # Resource 0, MS Project's blank row, is left out; 10 £/h is 1000 pence an hour.
    resources = [
        (r.uid, r.name, r.kind, r.max_units, r.calendar_uid, r.standard_rate)
        for r in plan.resources
    ]
    assert resources == [
        ("1", "First Resource", "person", 1.0, "3", 1000),
        ("2", "Second Resource", "person", 1.0, "4", 500),
    ]
    # Only the two real assignments; those to the "unassigned" resource are dropped.
    assignments = [
        (a.task_uid, a.resource_uid, a.units, a.work, a.cost, a.contour) for a in plan.assignments
    ]
    assert assignments == [
        ("2", "1", 0.5, 200 * 60, 201500, "flat"),
        ("2", "2", 0.75, 300 * 60, 151125, "flat"),
    ]
    second = next(t for t in plan.tasks if t.uid == "2")
    assert (second.cost, second.fixed_cost, second.work) == (352625, 0, 500 * 60)


# -- recurring calendar exceptions ---------------------------------------------------------


def test_recurring_exceptions_are_expanded_to_days() -> None:
    plan = read(MSPDI / "mpxj-calendar-recurring-exceptions-project2016.xml")
    assert plan.tasks == []
    (calendar,) = plan.calendars
    named: dict[str, list[date]] = {}
    for first, last, hours, name in calendar.exceptions:
        if name:
            assert first == last
            named.setdefault(name, []).append(first)
            assert hours == ([(540, 780), (840, 1020)] if name == "Recurring Working" else [])
    assert len(named) == 27
    assert named["Daily 1"] == [date(2000, 1, 1), date(2000, 1, 2), date(2000, 1, 3)]
    assert named["Daily 2"] == [date(2000, 2, d) for d in (1, 4, 7, 10)]
    assert named["Monthly Absolute 1"] == [date(2003, 1, 1), date(2003, 3, 1), date(2003, 5, 1)]
    assert named["Yearly Absolute 2"] == [date(y, 3, 2) for y in range(2005, 2009)]
    # The first Saturday of three months, as working days with their own hours.
    assert named["Recurring Working"] == [date(2010, 1, 2), date(2010, 2, 6), date(2010, 3, 6)]


def test_project_2003_exceptions_in_week_days_are_read_as_ranges() -> None:
    plan = read_mspdi(
        project_xml(
            "<Calendars><Calendar><UID>1</UID><Name>Plant</Name><BaseCalendarUID>-1"
            "</BaseCalendarUID><WeekDays><WeekDay><DayType>2</DayType><DayWorking>1</DayWorking>"
            "<WorkingTimes><WorkingTime><FromTime>06:00:00</FromTime><ToTime>14:00:00</ToTime>"
            "</WorkingTime></WorkingTimes></WeekDay><WeekDay><DayType>0</DayType><DayWorking>0"
            "</DayWorking><TimePeriod><FromDate>2030-12-24T00:00:00</FromDate><ToDate>"
            "2030-12-26T23:59:00</ToDate></TimePeriod></WeekDay></WeekDays></Calendar></Calendars>"
        )
    )
    (calendar,) = plan.calendars
    # A base calendar states every weekday: those it leaves out are not working.
    assert calendar.week == [[(360, 840)], [], [], [], [], [], []]
    assert calendar.exceptions == [(date(2030, 12, 24), date(2030, 12, 26), [], "")]


# -- details by hand -----------------------------------------------------------------------


def test_lags_in_elapsed_days_and_percent_keep_their_format() -> None:
    task = "<Task><UID>{uid}</UID><Name>T{uid}</Name><OutlineLevel>1</OutlineLevel>{links}</Task>"
    link = "<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>{t}</Type><LinkLag>{lag}</LinkLag><LagFormat>{f}</LagFormat></PredecessorLink>"  # noqa: E501
    plan = read_mspdi(
        project_xml(
            "<Tasks>"
            + task.format(uid=1, links="")
            + task.format(uid=2, links=link.format(p=1, t=3, lag=28800, f=8))
            + task.format(uid=3, links=link.format(p=2, t=0, lag=50, f=19))
            + "</Tasks>"
        )
    )
    assert [(k.pred_uid, k.succ_uid, k.type, k.lag, k.lag_format) for k in plan.links] == [
        ("1", "2", "SS", 2880, "elapsed"),  # two elapsed days
        ("2", "3", "FF", 50, "percent"),
    ]


def test_the_project_summary_null_tasks_and_links_to_them_are_left_out() -> None:
    plan = read_mspdi(
        project_xml(
            "<Tasks>"
            "<Task><UID>0</UID><Name>Summary</Name><OutlineLevel>0</OutlineLevel></Task>"
            "<Task><UID>1</UID><Name>Real</Name><OutlineLevel>1</OutlineLevel>"
            "<PredecessorLink><PredecessorUID>2</PredecessorUID></PredecessorLink>"
            "<PredecessorLink><PredecessorUID>0</PredecessorUID></PredecessorLink></Task>"
            "<Task><UID>2</UID><IsNull>1</IsNull><OutlineLevel>1</OutlineLevel></Task>"
            "<Task><UID>3</UID><Name>Also real</Name><OutlineLevel>1</OutlineLevel>"
            "<Active>0</Active><PredecessorLink><PredecessorUID>1</PredecessorUID>"
            "</PredecessorLink></Task>"
            "</Tasks>"
        ),
        name="fallback",
    )
    assert plan.name == "fallback"  # neither Title nor Name in the file
    assert [t.name for t in plan.tasks] == ["Real", "Also real"]
    assert [(k.pred_uid, k.succ_uid, k.type) for k in plan.links] == [("1", "3", "FS")]
    assert plan.warnings == ["1 inactive tasks are imported as ordinary tasks."]


def test_reading_a_long_plan_reports_progress_every_500_tasks() -> None:
    tasks = "".join(
        f"<Task><UID>{n}</UID><Name>T{n}</Name><OutlineLevel>1</OutlineLevel></Task>"
        for n in range(1, 1201)
    )
    calls: list[tuple[str, int, int]] = []
    plan = read_mspdi(project_xml(f"<Tasks>{tasks}</Tasks>"), progress=lambda *a: calls.append(a))
    assert len(plan.tasks) == 1200
    assert calls == [("Reading tasks", 500, 1200), ("Reading tasks", 1000, 1200)]


# -- malformed input -----------------------------------------------------------------------


def test_bytes_that_are_not_xml_are_refused() -> None:
    with pytest.raises(MspdiError, match=r"^not readable XML \("):
        read_mspdi(b"MPP\x00\x01 this is no XML")


@pytest.mark.parametrize(
    "data",
    [
        b"<Plan><Tasks/></Plan>",
        b"<Project><Tasks/></Project>",  # the right name without MS Project's namespace
        b'<Project xmlns="http://example.com/project"/>',
    ],
)
def test_xml_that_is_not_an_ms_project_document_is_refused(data: bytes) -> None:
    with pytest.raises(
        MspdiError, match=r"^not MS Project XML: the root element is not a Project$"
    ):
        read_mspdi(data)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<StartDate>next Tuesday</StartDate>", "StartDate 'next Tuesday' is not a date and time"),
        (
            "<Tasks><Task><UID>1</UID><OutlineLevel>1</OutlineLevel>"
            "<Finish>2030-13-40T08:00:00</Finish></Task></Tasks>",
            "Finish '2030-13-40T08:00:00' is not a date and time",
        ),
        (
            "<Tasks><Task><UID>1</UID><OutlineLevel>one</OutlineLevel></Task></Tasks>",
            "OutlineLevel 'one' is not a number",
        ),
        (
            "<Tasks><Task><UID>1</UID><OutlineLevel>1</OutlineLevel>"
            "<Duration>two days</Duration></Task></Tasks>",
            "Duration: Not an ISO 8601 duration: 'two days'",
        ),
        (
            "<Resources><Resource><UID>1</UID><Name>Ana</Name><MaxUnits>lots</MaxUnits>"
            "</Resource></Resources>",
            "MaxUnits 'lots' is not a number",
        ),
    ],
)
def test_a_value_that_cannot_be_read_is_named(body: str, message: str) -> None:
    with pytest.raises(MspdiError) as refused:
        read_mspdi(project_xml(body))
    assert str(refused.value) == message


def test_an_entity_expansion_bomb_is_refused_without_expanding() -> None:
    lol = "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )  # a billion "lol"s if expanded
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY lol0 "lol">{lol}]>'
        f'<Project xmlns="{NS}"><Title>&lol9;</Title></Project>'
    ).encode()
    with pytest.raises(MspdiError, match=r"^not readable XML \(.*[Ee]ntit"):
        read_mspdi(bomb)


def test_an_external_entity_is_refused_without_fetching_it() -> None:
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        f'<Project xmlns="{NS}"><Title>&secret;</Title></Project>'
    ).encode()
    with pytest.raises(MspdiError, match=r"^not readable XML \("):
        read_mspdi(xxe)
