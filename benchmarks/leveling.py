"""Resource levelling on the PSPLIB benchmark (../shared/data/psplib): per set, the average
% deviation from the optimum (j30) or best-known makespan (j60, j90, j120) and from the
critical-path lower bound, how many reach the reference value, and time per instance. Every
schedule is checked by the independent feasibility checker.

Run: .venv/bin/python benchmarks/leveling.py --set j120 --mode interactive
     .venv/bin/python benchmarks/leveling.py --set j30 --mode best --time-limit 5 --jobs 1
     .venv/bin/python benchmarks/leveling.py --set j120 --mode schedules --schedules 1000
Options: --subset N (every k-th instance, N in all), --jobs J (processes; each CP-SAT solve
uses --workers threads). Baseline in the same run: the serial scheme with the latest-finish
rule alone (one schedule per instance).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from tandem.core import rcpsp_kernels as k
from tandem.core.leveling import Prepared, instance_of, level_best, level_interactive
from tandem.core.leveling_search import genetic
from tandem.core.rcpsp_check import violations
from tandem.interop.psplib import read_psplib

HERE = Path(__file__).resolve().parent


def data_folder() -> Path:
    for candidate in (
        os.environ.get("TANDEM_SHARED_DATA", ""),
        HERE.parent.parent / "shared" / "data",
        Path("/work/shared/data"),
    ):
        if candidate and (Path(candidate) / "psplib").is_dir():
            return Path(candidate) / "psplib"
    sys.exit("benchmarks/leveling.py: the PSPLIB data is missing (set TANDEM_SHARED_DATA)")


def references(folder: Path, group: str) -> dict[str, int]:
    """Optimal (j30) or best-known makespans by instance name."""
    table = folder / "solutions" / (f"{group}opt.sm" if group == "j30" else f"{group}hrs.sm")
    values = {}
    for line in table.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit():
            values[f"{group}{parts[0]}_{parts[1]}"] = int(parts[2])
    return values


def run_one(
    job: tuple[str, str, float, int, int],
) -> tuple[str, int, int, int, bool, float, int, int]:
    """(name, makespan, lower bound, critical-path bound, optimal, seconds, schedules,
    baseline makespan) for one instance."""
    path, mode, time_limit, schedules, workers = job
    inst = instance_of(read_psplib(Path(path).read_text(), path))
    prep = Prepared(inst)
    order = k.order_by(prep.keys["LFT"], prep.pred_ptr, prep.pred_from, prep.succ_ptr, prep.succ_to)
    baseline = prep.span(prep.decode(order))
    started = time.perf_counter()
    if mode == "interactive":
        result = level_interactive(inst)
        start, lower, optimal, count = (
            result.start,
            result.lower_bound,
            result.optimal,
            result.schedules,
        )
    elif mode == "schedules":
        start, count = genetic(prep, schedules, 1, deadline=started + 3600)
        lower, optimal = prep.bound, prep.span(start) == prep.bound
    else:
        result = level_best(inst, time_limit=time_limit, workers=workers, schedules=schedules)
        start, lower, optimal, count = (
            result.start,
            result.lower_bound,
            result.optimal,
            result.schedules,
        )
    seconds = time.perf_counter() - started
    problems = violations(
        start, inst.duration, inst.link_from, inst.link_to, inst.lag, inst.demand, inst.capacity
    )
    if problems:
        raise AssertionError(f"{path}: infeasible schedule: {problems[:3]}")
    return Path(path).stem, prep.span(start), lower, prep.bound, optimal, seconds, count, baseline


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", default="j30", choices=["j30", "j60", "j90", "j120"])
    parser.add_argument(
        "--mode", default="interactive", choices=["interactive", "best", "schedules"]
    )
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--subset", type=int, default=0, help="spread N instances over the set")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT threads per instance")
    args = parser.parse_args()

    folder = data_folder()
    files = sorted((folder / args.set).glob("*.sm"))
    if args.subset:
        step = max(1, len(files) // args.subset)
        files = files[::step][: args.subset]
    refs = references(folder, args.set)
    # Compile (or load) the kernels once before timing anything.
    level_interactive(instance_of(read_psplib(files[0].read_text(), str(files[0]))))
    jobs = [(str(f), args.mode, args.time_limit, args.schedules, args.workers) for f in files]
    started = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(run_one, jobs))
    else:
        results = [run_one(job) for job in jobs]
    wall = time.perf_counter() - started

    dev_ref, dev_lb, base_ref, at_ref, optimal, seconds, count = [], [], [], 0, 0, [], []
    missed = []
    for name, span, _lower, bound, is_optimal, secs, generated, baseline in results:
        ref = refs[name]
        if span > ref:
            missed.append(f"{name} {span}/{ref}")
        dev_ref.append((span - ref) / ref * 100)
        base_ref.append((baseline - ref) / ref * 100)
        dev_lb.append((span - bound) / bound * 100)
        at_ref += span <= ref
        optimal += is_optimal
        seconds.append(secs)
        count.append(generated)
    reference = "optimum" if args.set == "j30" else "best known"
    print(
        f"{args.set} {args.mode} ({len(results)} instances"
        + (f", {args.time_limit:g} s limit" if args.mode == "best" else "")
        + (f", {args.schedules} schedules" if args.mode == "schedules" else "")
        + f"): {np.mean(dev_ref):.2f} % above the {reference}, {np.mean(dev_lb):.2f} % above "
        f"the critical-path bound; {at_ref}/{len(results)} at the {reference}"
        + (f", {optimal} proven optimal" if args.mode == "best" else "")
        + f"; {np.mean(seconds) * 1000:.1f} ms per instance (max {max(seconds) * 1000:.0f} ms), "
        f"{np.mean(count):.0f} schedules per instance; wall {wall:.0f} s"
    )
    if args.mode == "best" and missed:
        print(f"above the {reference}: {', '.join(missed[:40])}")
    print(
        f"baseline, one serial latest-finish schedule: {np.mean(base_ref):.2f} % above the "
        f"{reference}; all {len(results)} schedules checked feasible"
    )


if __name__ == "__main__":
    main()
