"""Where the shared test data lives (../shared/data beside the checkout, see DESIGN.md).

TANDEM_SHARED_DATA overrides the location; a clone elsewhere falls back to /work/shared/data.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def _locate() -> Path:
    candidates = [Path(p) for p in [os.environ.get("TANDEM_SHARED_DATA", "")] if p]
    candidates += [_REPO.parent / "shared" / "data", Path("/work/shared/data")]
    for candidate in candidates:
        if (candidate / "psplib").is_dir():
            return candidate
    raise FileNotFoundError(
        "The shared test data is missing: set TANDEM_SHARED_DATA to the folder holding psplib/"
    )


SHARED_DATA = _locate()
PSPLIB = SHARED_DATA / "psplib"
PROJECT_FILES = SHARED_DATA / "project-files"
