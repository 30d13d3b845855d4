"""Run by the MPXJ bridge in its own process: read any file MPXJ knows, write MS Project XML.

Usage: ``python -m tandem.interop.mpxj_convert IN OUT.xml OUT.json``. The JVM starts once per
process and cannot restart, so the web and CLI processes never start one themselves. MS Project
XML has no place for what only other tools know, so that goes to the JSON file beside it:
P6's start and finish milestones (which side of a break they show on) and the calendar P6
counts relationship lags in. Exit status 3 means
MPXJ could not read the file (the message is on stderr).
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    source, target, extras = argv
    import jpype
    import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

    jpype.startJVM("-Dlog4j2.level=OFF", "-Dlog4j2.statusLoggerLevel=OFF")
    from org.mpxj import ActivityType
    from org.mpxj.mspdi import MSPDIWriter
    from org.mpxj.reader import UniversalProjectReader

    try:
        project = UniversalProjectReader().read(source)
    except Exception as error:  # a Java exception: the file is not readable
        print(f"{error}", file=sys.stderr)
        return 3
    if project is None:
        print("the format of this file is not one MPXJ reads", file=sys.stderr)
        return 3
    sides = {ActivityType.START_MILESTONE: "start", ActivityType.FINISH_MILESTONE: "finish"}
    milestones = {}
    for task in project.getTasks():
        side = sides.get(task.getActivityType())
        if side is not None and task.getUniqueID() is not None:
            milestones[str(task.getUniqueID())] = side
    lag_calendar = project.getProjectProperties().getRelationshipLagCalendar()
    MSPDIWriter().write(project, target)
    with open(extras, "w", encoding="utf-8") as out:
        json.dump(
            {
                "milestones": milestones,
                "lag_calendar": None if lag_calendar is None else str(lag_calendar.name()),
            },
            out,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
