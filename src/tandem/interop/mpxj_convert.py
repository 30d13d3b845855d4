"""Run by the MPXJ bridge in its own process: read any file MPXJ knows, write MS Project XML.

Usage: ``python -m tandem.interop.mpxj_convert IN OUT``. The JVM starts once per process and
cannot restart, so the web and CLI processes never start one themselves. Exit status 3 means
MPXJ could not read the file (the message is on stderr).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    source, target = argv
    import jpype
    import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

    jpype.startJVM("-Dlog4j2.level=OFF", "-Dlog4j2.statusLoggerLevel=OFF")
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
    MSPDIWriter().write(project, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
