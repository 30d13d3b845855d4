"""tandem's JSON network format (docs/network-format.md): read into a ProjectSpec.

Without "start", times are plain numbers in the units of the durations. With "start" (an ISO
date or datetime) and an optional "calendar", durations and lags are working minutes and dates
are ISO datetimes in the project's local time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from tandem.core.calendar import STANDARD_HOURS, WorkCalendar, parse_hours, weekday_index
from tandem.core.cpm import LinkType
from tandem.core.network import (
    DISTRIBUTIONS,
    ConstraintType,
    LagFormat,
    LinkSpec,
    ProjectSpec,
    ResourceSpec,
    TaskSpec,
)


class NetworkFormatError(ValueError):
    """The file does not follow the format; the message names the place."""


def read_network(text: str, source: str = "network") -> ProjectSpec:
    """Parse the JSON text of a network."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NetworkFormatError(f"{source}:{error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(document, dict):
        raise NetworkFormatError(f'{source}: the top level must be an object with "tasks"')
    return _Reader(document, source).project()


class _Reader:
    def __init__(self, document: dict[str, Any], source: str) -> None:
        self.doc = document
        self.source = source
        self.dated = "start" in document and document["start"] is not None
        self.calendar: WorkCalendar | None = None

    def fail(self, where: str, message: str) -> NetworkFormatError:
        return NetworkFormatError(f"{self.source}: {where}: {message}")

    def project(self) -> ProjectSpec:
        doc = self.doc
        unknown = set(doc) - {
            "start", "calendar", "calendars", "tasks", "links", "resources", "deadline",
            "status_date", "name",
        }  # fmt: skip
        if unknown:
            raise self.fail("top level", f"unknown key {sorted(unknown)[0]!r}")
        tasks_raw = doc.get("tasks")
        if not isinstance(tasks_raw, list):
            raise self.fail("top level", '"tasks" must be a list')
        calendars: dict[str, WorkCalendar] = {}
        start: datetime | None = None
        if self.dated:
            self.calendar = self.read_calendar(doc.get("calendar") or {}, "calendar", {})
            for name, raw in (doc.get("calendars") or {}).items():
                calendars[name] = self.read_calendar(raw, f"calendar {name!r}", calendars)
            start = self.moment(doc["start"], "start", start_of_day=True)
        elif "calendar" in doc or "calendars" in doc:
            raise self.fail("calendar", 'calendars need a project "start" date')
        tasks = [self.task(raw, n) for n, raw in enumerate(tasks_raw)]
        links = [self.link(raw, n) for n, raw in enumerate(doc.get("links") or [])]
        resources = [self.resource(raw, n) for n, raw in enumerate(doc.get("resources") or [])]
        return ProjectSpec(
            tasks=tasks,
            links=links,
            start=start,
            calendar=self.calendar,
            calendars=calendars,
            resources=resources,
            deadline=self.time(doc.get("deadline"), "deadline", start_of_day=False),
            status_date=self.time(doc.get("status_date"), "status_date", start_of_day=True),
        )

    # -- calendars ---------------------------------------------------------------------------

    def read_calendar(
        self, raw: Any, where: str, known: Mapping[str, WorkCalendar]
    ) -> WorkCalendar:
        if not isinstance(raw, dict):
            raise self.fail(where, "must be an object")
        try:
            base_name = raw.get("base")
            base = None
            if base_name is not None:
                if base_name == "project":
                    base = self.calendar
                elif base_name in known:
                    base = known[base_name]
                else:
                    raise ValueError(f"base calendar {base_name!r} is not defined before it")
            hours = parse_hours(raw["hours"]) if "hours" in raw else None
            if "working_days" in raw:
                days = {weekday_index(name) for name in raw["working_days"]}
                week: list[Any] = [(hours or STANDARD_HOURS) if i in days else () for i in range(7)]
            elif base is not None:
                week = [hours] * 7 if hours is not None else [None] * 7
                if hours is not None:
                    week = [hours if base._resolved_week(i) else () for i in range(7)]
            else:
                week = [(hours or STANDARD_HOURS)] * 5 + [(), ()]
            for name, spans in (raw.get("weekdays") or {}).items():
                week[weekday_index(name)] = parse_hours(spans)
            exceptions: dict[date, tuple[tuple[int, int], ...]] = {}
            for day in raw.get("holidays") or []:
                exceptions[date.fromisoformat(day)] = ()
            for item in raw.get("exceptions") or []:
                first = date.fromisoformat(item.get("date") or item["from"])
                last = date.fromisoformat(item.get("to") or item.get("date") or item["from"])
                spans = parse_hours(item.get("hours") or [])
                while first <= last:
                    exceptions[first] = spans
                    first += timedelta(days=1)
            return WorkCalendar(
                name=str(raw.get("name", where)), week=tuple(week), exceptions=exceptions, base=base
            )
        except (KeyError, TypeError, ValueError) as error:
            raise self.fail(where, str(error).strip("'\"")) from None

    # -- times -------------------------------------------------------------------------------

    def moment(self, value: Any, where: str, *, start_of_day: bool) -> datetime:
        """An ISO date or datetime; a bare date means the first (or last) working moment."""
        if not isinstance(value, str):
            raise self.fail(where, f"expected an ISO date, got {value!r}")
        try:
            if "T" in value or " " in value.strip():
                return datetime.fromisoformat(value).replace(tzinfo=None)
            day = date.fromisoformat(value)
        except ValueError:
            raise self.fail(where, f"{value!r} is not an ISO date or datetime") from None
        hours = (self.calendar or WorkCalendar()).hours_on(day)
        if start_of_day:
            return datetime.combine(day, time()) + timedelta(minutes=hours[0][0] if hours else 0)
        end = hours[-1][1] if hours else 24 * 60
        return datetime.combine(day, time()) + timedelta(minutes=end)

    def time(self, value: Any, where: str, *, start_of_day: bool) -> Any:
        if value is None:
            return None
        if self.dated:
            return self.moment(value, where, start_of_day=start_of_day)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(
                where, f"expected a number (the network has no start date), got {value!r}"
            )
        return float(value)

    def number(self, raw: dict[str, Any], key: str, where: str, default: float = 0.0) -> float:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f'"{key}" must be a number, got {value!r}')
        return float(value)

    # -- tasks, links, resources -------------------------------------------------------------

    def task(self, raw: Any, n: int) -> TaskSpec:
        if not isinstance(raw, dict) or "id" not in raw:
            raise self.fail(f"task #{n + 1}", 'must be an object with an "id"')
        task_id = str(raw["id"])
        where = f"task {task_id}"
        estimate = self.estimate(raw, where)
        # A three-point task is planned at its most likely duration unless one is given.
        duration = self.number(raw, "duration", where, estimate[1] if estimate else 0.0)
        if duration < 0:
            raise self.fail(where, "duration must not be negative")
        constraint = ConstraintType.ASAP
        constraint_date = None
        if raw.get("constraint"):
            spec = raw["constraint"]
            kind = spec.get("type") if isinstance(spec, dict) else spec
            try:
                constraint = ConstraintType(str(kind).upper())
            except ValueError:
                raise self.fail(where, f"unknown constraint type {kind!r}") from None
            if constraint not in (ConstraintType.ASAP, ConstraintType.ALAP):
                if not isinstance(spec, dict) or "date" not in spec:
                    raise self.fail(where, f"a {constraint} constraint needs a date")
                starts = constraint in (
                    ConstraintType.SNET,
                    ConstraintType.SNLT,
                    ConstraintType.MSO,
                )
                constraint_date = self.time(spec["date"], where, start_of_day=starts)
        resources = raw.get("resources") or {}
        if not isinstance(resources, dict):
            raise self.fail(where, '"resources" must map resource ids to units')
        return TaskSpec(
            id=task_id,
            name=str(raw.get("name", "")),
            duration=duration,
            parent=None if raw.get("parent") is None else str(raw["parent"]),
            constraint=constraint,
            constraint_date=constraint_date,
            deadline=self.time(raw.get("deadline"), where, start_of_day=False),
            calendar=raw.get("calendar"),
            actual_start=self.time(raw.get("actual_start"), where, start_of_day=True),
            actual_finish=self.time(raw.get("actual_finish"), where, start_of_day=False),
            percent_complete=self.number(raw, "percent_complete", where),
            remaining=None
            if raw.get("remaining") is None
            else self.number(raw, "remaining", where),
            resources={str(k): float(v) for k, v in resources.items()},
            optimistic=estimate[0] if estimate else None,
            most_likely=estimate[1] if estimate else None,
            pessimistic=estimate[2] if estimate else None,
            distribution=str(raw.get("distribution", "triangular")),
        )

    def estimate(self, raw: dict[str, Any], where: str) -> tuple[float, float, float] | None:
        """The optional three-point estimate: all three numbers, in order, or none."""
        keys = ("optimistic", "most_likely", "pessimistic")
        present = [key for key in keys if key in raw]
        if "distribution" in raw and raw["distribution"] not in DISTRIBUTIONS:
            raise self.fail(
                where, f'"distribution" is "triangular" or "pert", got {raw["distribution"]!r}'
            )
        if not present:
            return None
        if len(present) < 3:
            missing = ", ".join(f'"{key}"' for key in keys if key not in raw)
            raise self.fail(where, f"a three-point estimate also needs {missing}")
        low, mode, high = (self.number(raw, key, where) for key in keys)
        if not 0 <= low <= mode <= high:
            raise self.fail(
                where, "estimates must run 0 <= optimistic <= most_likely <= pessimistic"
            )
        return low, mode, high

    def link(self, raw: Any, n: int) -> LinkSpec:
        where = f"link #{n + 1}"
        if not isinstance(raw, dict) or "from" not in raw or "to" not in raw:
            raise self.fail(where, 'must be an object with "from" and "to"')
        where = f"link {raw['from']} → {raw['to']}"
        try:
            kind = LinkType[str(raw.get("type", "FS")).upper()]
        except KeyError:
            raise self.fail(where, f"unknown link type {raw.get('type')!r}") from None
        try:
            lag_format = LagFormat(raw.get("lag_format", "working"))
        except ValueError:
            raise self.fail(where, f"unknown lag format {raw.get('lag_format')!r}") from None
        return LinkSpec(
            pred=str(raw["from"]),
            succ=str(raw["to"]),
            type=kind,
            lag=self.number(raw, "lag", where),
            lag_format=lag_format,
        )

    def resource(self, raw: Any, n: int) -> ResourceSpec:
        if not isinstance(raw, dict) or "id" not in raw:
            raise self.fail(f"resource #{n + 1}", 'must be an object with an "id"')
        where = f"resource {raw['id']}"
        return ResourceSpec(
            id=str(raw["id"]),
            name=str(raw.get("name", "")),
            capacity=self.number(raw, "capacity", where, 1.0),
            calendar=raw.get("calendar"),
        )
