"""The import yardstick: real files from MS Project, P6 and others (../shared/data/project-files),
imported through the service, scheduled by tandem, and compared with the dates the original
tool stored, for the leaf tasks that have not started. Prints the match table per file and
the import time of the largest .xer (target: under 15 s including Java's start); the MPXJ
authors' own schedulers give the reference figures in the last column.

Run: .venv/bin/python benchmarks/project_files.py [--show-mismatches N] [FILE ...]
(SQLite in a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TANDEM_DATA_DIR", tempfile.mkdtemp(prefix="tandem-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from tandem.accounts.actors import OPERATOR  # noqa: E402
from tandem.accounts.models import User  # noqa: E402
from tandem.accounts.services import create_organisation  # noqa: E402
from tandem.interop.mpxj_bridge import convert_to_mspdi  # noqa: E402
from tandem.interop.plan_check import compare_dates  # noqa: E402
from tandem.interop.plan_import import import_plan, read_plan  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "project-files"
# The MPXJ schedulers' figures from the data README (matching / compared).
REFERENCE = {
    "projectlibre-Commercial_construction_project_plan.mpp": "126/126",
    "projectlibre-Microsoft_Office_Project_2003_deployment.mpp": "250/250",
    "mpxj-task-links-project2019-mpp14.mpp": "16/16",
    "mpxj-task-links-project2019.xml": "16/16",
    "pyp6xer-SP10_COST_LOADED.xer": "3300/3301",
    "xernative-sample.xer": "25/25",
    "schedule-analytics-BL-54069-B2-20250902.xer": "24/24",
    "schedule-analytics-UP-54069-20260122.xer": "18/18",
    "xernative-wk2.xer": "193/197",
    "mpxj-sample.xml": "15/16",
    "projectlibre-New_Product.xml": "25/36",
    "projectlibre-New_Product.mpp": "35/36",
    "mpxj-mspdisplittask.xml": "0/2",
    "mpxj-mspdiresource.xml": "1/2",
}
FORMATS = ("mpp", "mspdi", "xer", "p6xml", "gan", "planner")


LARGEST = "pyp6xer-SP10_COST_LOADED.xer"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="files to check (default: every sample)")
    parser.add_argument("--show-mismatches", type=int, default=0, metavar="N")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    organisation = create_organisation(
        OPERATOR,
        name="Import yardstick",
        owner_email="bench@example.com",
        owner_password="correct horse battery",  # noqa: S106 - a throwaway benchmark account
    )
    owner = User.objects.get(email="bench@example.com")
    files = [Path(f) for f in args.files] or [
        f for folder in FORMATS for f in sorted((DATA / folder).iterdir())
    ]
    largest = None
    print(f"{'file':58} {'tasks':>6} {'matched':>18} {'MPXJ CPM':>10} {'seconds':>8}")
    for path in files:
        began = time.perf_counter()
        try:
            plan = read_plan(path.name, path.read_bytes())
            result = import_plan(owner, organisation.pk, plan)
        except Exception as error:  # a file tandem refuses: say why and go on
            print(f"{path.name:58} refused: {error}")
            continue
        seconds = time.perf_counter() - began
        days_only = path.suffix == ".gan"  # GanttProject keeps days, not times of day
        check = compare_dates(plan, result.project, result.task_ids, days_only=days_only)
        matched = f"{check.matched}/{check.compared}" if check.compared else "-"
        matched += " (days)" if days_only else ""
        print(
            f"{path.name:58} {len(plan.tasks):6} {matched:>18} "
            f"{REFERENCE.get(path.name, ''):>10} {seconds:8.2f}"
        )
        if path.name == LARGEST:
            largest = seconds
        for miss in check.mismatches[: args.show_mismatches]:
            print(
                f"    {miss.name[:40]:40} stored {miss.stored_start} → {miss.stored_finish}"
                f"  tandem {miss.start} → {miss.finish}"
            )
    if largest is not None:
        # The baseline: MPXJ alone reading the file and writing it as MS Project XML (Java's
        # start included) — what any import through MPXJ has to pay before tandem's own work.
        began = time.perf_counter()
        convert_to_mspdi(LARGEST, (DATA / "xer" / LARGEST).read_bytes())
        alone = time.perf_counter() - began
        print(
            f"\n{LARGEST}: imported and scheduled in {largest:.1f} s (target < 15 s); MPXJ alone "
            f"reads and converts it in {alone:.1f} s: {largest / alone:.1f}× that."
        )


if __name__ == "__main__":
    main()
