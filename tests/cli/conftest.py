"""The command line run in-process, as the console entry point runs it, output captured."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tandem.cli import app
from tandem.cli.errors import run


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def tandem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """Run `tandem ARGS...` through tandem.cli.errors.run, as `main()` does, capturing output."""

    def invoke(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["tandem", *args])
        code = run(app)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke
