"""MPXJ as a converter: .mpp, .xer, P6 XML, GanttProject, Planner and more to MS Project XML.

MPXJ is a Java library (the optional ``files`` extra installs ``mpxj`` and ``JPype1``; Java 17
runs it). It runs in a child process (``mpxj_convert``) because a JVM starts once per process
and cannot be restarted; the child writes MSPDI, which ``mspdi_read`` then reads like a file
saved by MS Project.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TIMEOUT = 600  # seconds; the largest real .xer converts in about 4 s


class BridgeError(ValueError):
    """MPXJ or Java is missing, or MPXJ could not read the file."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def check_available() -> None:
    """Raise BridgeError naming what to install when MPXJ or Java is missing."""
    if importlib.util.find_spec("mpxj") is None or importlib.util.find_spec("jpype") is None:
        raise BridgeError(
            "Reading this format needs MPXJ: install tandem with the files extra "
            "(pip install 'tandem-pm[files]').",
            missing=True,
        )
    if _java() is None:
        raise BridgeError(
            "Reading this format needs Java 17 or later (MPXJ runs on it): install a JDK or "
            "JRE, for example Debian's openjdk-17-jre-headless, or set JAVA_HOME.",
            missing=True,
        )


def convert_to_mspdi(filename: str, data: bytes) -> tuple[bytes, dict[str, Any]]:
    """The file as MS Project XML, converted by MPXJ in a child process, and what MS Project
    XML cannot hold (``{"milestones": {uid: "start" | "finish"}}``)."""
    check_available()
    suffix = Path(filename).suffix.lower() or ".bin"
    with tempfile.TemporaryDirectory(prefix="tandem-mpxj-") as folder:
        source = Path(folder) / f"plan{suffix}"
        target = Path(folder) / "plan.xml"
        extras = Path(folder) / "plan.json"
        source.write_bytes(data)
        try:
            # Our own module on a path we made: no user text reaches the command line.
            done = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "tandem.interop.mpxj_convert",
                    str(source),
                    str(target),
                    str(extras),
                ],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BridgeError(f"MPXJ took longer than {TIMEOUT} s to read the file.") from None
        if done.returncode != 0 or not target.exists():
            lines = [
                line
                for line in done.stderr.splitlines()
                if line.strip() and "log4j" not in line.lower() and "SLF4J" not in line
            ]
            reason = lines[-1] if lines else f"exit status {done.returncode}"
            raise BridgeError(f"MPXJ could not read the file: {reason}")
        found = json.loads(extras.read_text("utf-8")) if extras.exists() else {}
        return target.read_bytes(), found
