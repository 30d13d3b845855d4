"""An edit to a 10,000-task project, answered server-side: the service call (check access,
lock, update the row, reschedule through the core, write the tasks that moved, journal) and
the same through the REST API. Baseline in the same run: the edit without the prepared
schedule (reading the whole project again), as a scheduler without the cache would.

Run: .venv/bin/python benchmarks/project_edit.py [--tasks N]  (SQLite in a temporary folder;
set TANDEM_DATABASE_URL to measure PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("TANDEM_DATA_DIR", tempfile.mkdtemp(prefix="tandem-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
os.environ.setdefault("TANDEM_ALLOWED_HOSTS", "testserver")

import django

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tandem.accounts.actors import OPERATOR  # noqa: E402
from tandem.accounts.models import User  # noqa: E402
from tandem.accounts.services import create_organisation, create_token  # noqa: E402
from tandem.projects import services, services_tasks  # noqa: E402
from tandem.projects.models import Task  # noqa: E402
from tandem.projects.scheduling import forget  # noqa: E402


def build(n: int) -> tuple[int, User]:
    """A project of n tasks in 100 phases with about 2 links per task, through the services."""
    organisation = create_organisation(
        OPERATOR,
        name=f"Bench {time.time_ns()}",
        owner_email="bench@example.com",
        owner_password="correct horse battery",  # noqa: S106 - a throwaway benchmark account
    )
    owner = User.objects.get(email="bench@example.com")
    project = services.create_project(owner, organisation.pk, name="Programme", start="2027-01-04")
    rng = np.random.default_rng(5)
    phases = 100
    rows = [{"ref": f"p{p}", "name": f"Phase {p}"} for p in range(phases)]
    leaves = n - phases
    rows += [
        {
            "ref": str(i),
            "name": f"Task {i}",
            "parent": f"p{i * phases // leaves}",
            "duration": int(480 * (1 + i % 5)),
        }
        for i in range(leaves)
    ]
    pairs = {
        (int(a), int(min(a + rng.integers(1, 40), leaves - 1)))
        for a in rng.integers(0, leaves - 1, 2 * leaves)
    }
    links = [{"from": str(a), "to": str(b)} for a, b in sorted(pairs) if a != b]
    start = time.perf_counter()
    services_tasks.create_tasks(owner, project.pk, rows, links)
    print(
        f"created {n:,} tasks and {len(links):,} links in one transaction: "
        f"{time.perf_counter() - start:.1f} s"
    )
    return project.pk, owner


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=21)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    project_id, owner = build(args.tasks)
    leaves = list(
        Task.objects.filter(project_id=project_id, parent__isnull=False).values_list(
            "id", flat=True
        )
    )
    rng = np.random.default_rng(9)
    picks = [int(leaves[i]) for i in rng.integers(0, len(leaves), args.edits * 3)]

    def edit(task_id: int, k: int) -> float:
        task = Task.objects.get(pk=task_id)
        start = time.perf_counter()
        services_tasks.update_task(owner, task_id, version=task.version, duration=480 * (2 + k % 4))
        return time.perf_counter() - start

    edit(picks[0], 0)  # the first edit prepares the schedule for the ones after it
    warm = [edit(t, k) for k, t in enumerate(picks[1 : args.edits + 1])]
    cold = []
    for k, t in enumerate(picks[args.edits + 1 : 2 * args.edits + 1]):
        forget(project_id)
        cold.append(edit(t, k))

    _, secret = create_token(OPERATOR, user=owner, name="bench")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    api = []
    for k, t in enumerate(picks[2 * args.edits + 1 :]):
        version = Task.objects.get(pk=t).version
        start = time.perf_counter()
        response = client.patch(
            f"/api/v1/tasks/{t}",
            data=f'{{"duration": {480 * (3 + k % 3)}}}',
            content_type="application/json",
            headers={"If-Match": f'"{version}"'},
        )
        api.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content

    moved = Task.objects.filter(project_id=project_id).count()
    print(
        f"edit one task's duration in a {args.tasks:,}-task project ({moved:,} rows): "
        f"{median_ms(warm):.0f} ms median of {len(warm)} through the service; "
        f"{median_ms(api):.0f} ms through PATCH /api/v1/tasks/{{id}}  [target < 100 ms]"
    )
    print(
        f"baseline, the same edit without the prepared schedule: {median_ms(cold):.0f} ms; "
        f"ratio {median_ms(cold) / median_ms(warm):.1f}x"
    )


if __name__ == "__main__":
    main()
