"""The demo's delivery side: an active project of about 60 tasks delivering a roadmap item,
with progress up to today, a saved baseline, slipping tasks, a missed deadline and an
over-allocated developer; and a second, smaller project from the stage-gate template."""

from __future__ import annotations

from datetime import date, timedelta

from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Organisation, User
from tandem.projects import services, services_plan, services_tasks
from tandem.projects.models import Project, ProjectTemplate, Task

DAY = 480

# (ref, name, parent, days) in outline order; 0 days is a milestone.
PLAN: list[tuple[str, str, str | None, float]] = [
    ("disc", "Discovery", None, 0),
    ("disc.1", "Customer interviews", "disc", 5),
    ("disc.2", "Analytics review of the current app", "disc", 3),
    ("disc.3", "Requirements and success metrics", "disc", 4),
    ("m.scope", "Scope signed off", None, 0),
    ("des", "Design", None, 0),
    ("des.1", "Information architecture", "des", 4),
    ("des.2", "Wireframes", "des", 6),
    ("des.3", "Visual design", "des", 8),
    ("des.4", "Usability test of prototype", "des", 4),
    ("des.5", "Design system tokens", "des", 3),
    ("m.design", "Design approved", None, 0),
    ("be", "Backend", None, 0),
    ("be.1", "API design", "be", 3),
    ("be.2", "Authentication service", "be", 6),
    ("be.3", "Sync service", "be", 10),
    ("be.4", "Notifications service", "be", 6),
    ("be.5", "Offline conflict resolution", "be", 8),
    ("be.6", "Load testing", "be", 4),
    ("ios", "iOS app", None, 0),
    ("ios.1", "Project setup and CI", "ios", 2),
    ("ios.2", "Sign-in and onboarding", "ios", 6),
    ("ios.3", "Home and navigation", "ios", 6),
    ("ios.4", "Offline mode", "ios", 8),
    ("ios.5", "Push notifications", "ios", 4),
    ("ios.6", "Accessibility pass", "ios", 3),
    ("and", "Android app", None, 0),
    ("and.1", "Project setup and CI", "and", 2),
    ("and.2", "Sign-in and onboarding", "and", 6),
    ("and.3", "Home and navigation", "and", 6),
    ("and.4", "Offline mode", "and", 8),
    ("and.5", "Push notifications", "and", 4),
    ("and.6", "Accessibility pass", "and", 3),
    ("qa", "Quality", None, 0),
    ("qa.1", "Test plan", "qa", 3),
    ("qa.2", "Automated end-to-end tests", "qa", 10),
    ("qa.3", "Device lab regression", "qa", 5),
    ("qa.4", "Security review", "qa", 4),
    ("qa.5", "Performance tuning", "qa", 5),
    ("m.beta", "Beta release", None, 0),
    ("beta", "Beta", None, 0),
    ("beta.1", "Beta with 200 customers", "beta", 10),
    ("beta.2", "Fix beta findings", "beta", 6),
    ("beta.3", "Crash-free rate above 99.5 %", "beta", 0),
    ("launch", "Launch", None, 0),
    ("launch.1", "App store listings", "launch", 3),
    ("launch.2", "Store review", "launch", 5),
    ("launch.3", "Marketing campaign", "launch", 8),
    ("launch.4", "Support team training", "launch", 3),
    ("launch.5", "Help centre articles", "launch", 4),
    ("m.launch", "Public launch", None, 0),
    ("after", "After launch", None, 0),
    ("after.1", "Monitor adoption and ratings", "after", 10),
    ("after.2", "Retire the old app", "after", 5),
    ("after.3", "Retrospective", "after", 1),
]

LINKS: list[tuple[str, str, str, float]] = [
    ("disc.1", "disc.3", "FS", 0),
    ("disc.2", "disc.3", "FS", 0),
    ("disc.3", "m.scope", "FS", 0),
    ("m.scope", "des.1", "FS", 0),
    ("des.1", "des.2", "FS", 0),
    ("des.2", "des.3", "FS", 0),
    ("des.3", "des.4", "FS", 0),
    ("des.2", "des.5", "SS", 3),
    ("des.4", "m.design", "FS", 0),
    ("des.5", "m.design", "FS", 0),
    ("m.scope", "be.1", "FS", 0),
    ("be.1", "be.2", "FS", 0),
    ("be.1", "be.3", "FS", 0),
    ("be.2", "be.4", "FS", 0),
    ("be.3", "be.5", "FS", 0),
    ("be.5", "be.6", "FS", 0),
    ("des.1", "ios.1", "FS", 0),
    ("des.1", "and.1", "FS", 0),
    ("m.design", "ios.2", "FS", 0),
    ("ios.1", "ios.2", "FS", 0),
    ("ios.2", "ios.3", "FS", 0),
    ("ios.3", "ios.4", "FS", 0),
    ("be.5", "ios.4", "FF", 2),
    ("ios.4", "ios.5", "FS", 0),
    ("be.4", "ios.5", "FS", 0),
    ("ios.5", "ios.6", "FS", 0),
    ("m.design", "and.2", "FS", 0),
    ("and.1", "and.2", "FS", 0),
    ("and.2", "and.3", "FS", 0),
    ("and.3", "and.4", "FS", 0),
    ("be.5", "and.4", "FF", 2),
    ("and.4", "and.5", "FS", 0),
    ("be.4", "and.5", "FS", 0),
    ("and.5", "and.6", "FS", 0),
    ("m.scope", "qa.1", "FS", 0),
    ("qa.1", "qa.2", "FS", 5),
    ("ios.6", "qa.3", "FS", 0),
    ("and.6", "qa.3", "FS", 0),
    ("be.6", "qa.4", "FS", 0),
    ("qa.3", "qa.5", "SS", 2),
    ("qa.2", "m.beta", "FS", 0),
    ("qa.3", "m.beta", "FS", 0),
    ("qa.4", "m.beta", "FS", 0),
    ("qa.5", "m.beta", "FS", 0),
    ("m.beta", "beta.1", "FS", 0),
    ("beta.1", "beta.2", "SS", 4),
    ("beta.2", "beta.3", "FS", 0),
    ("beta.3", "launch.1", "FS", 0),
    ("launch.1", "launch.2", "FS", 0),
    ("beta.1", "launch.3", "FS", 0),
    ("beta.1", "launch.4", "FS", 0),
    ("launch.4", "launch.5", "SS", 1),
    ("launch.2", "m.launch", "FS", 0),
    ("launch.3", "m.launch", "FF", 0),
    ("launch.5", "m.launch", "FS", 0),
    ("m.launch", "after.1", "FS", 0),
    ("after.1", "after.2", "FS", 0),
    ("after.2", "after.3", "FS", 0),
]

# Who does what (resource name, task refs, units).
ASSIGN: list[tuple[str, list[str], float]] = [
    ("Marco Rossi", ["disc.1", "disc.3", "launch.4", "after.3"], 0.5),
    (
        "Lena Fischer",
        ["disc.1", "des.1", "des.2", "des.3", "des.4", "des.5", "ios.6", "and.6"],
        1.0,
    ),
    ("Tom Becker", ["ios.1", "ios.2", "ios.3", "ios.4", "ios.5", "beta.2"], 1.0),
    ("Aisha Khan", ["and.1", "and.2", "and.3", "and.4", "and.5", "beta.2"], 1.0),
    # Jonas carries the backend and the sync and notification work overlap: over-allocated.
    ("Jonas Weber", ["disc.2", "be.1", "be.2", "be.3", "be.4", "be.5", "be.6", "qa.4"], 1.0),
    ("QA contractor", ["qa.1", "qa.2", "qa.3", "qa.5", "beta.1"], 1.0),
    ("Device lab", ["qa.3"], 1.0),
]


# What went differently from the approved plan: the sync service turned out bigger and is
# behind, iOS sign-in has not started, and the usability test is only half done.
SLIPS: dict[str, dict[str, int]] = {
    "be.3": {"duration": 15 * DAY, "percent_complete": 25},
    "ios.2": {"percent_complete": 0},
    "des.4": {"percent_complete": 50},
}


def _progress_to(
    project: Project, ref: dict[str, Task], today: date, *, final: bool = True, share: float = 1.0
) -> None:
    """Record progress up to ``today`` as if the team had worked to plan, except the SLIPS.

    Before the ``final`` day the slips act as ceilings that rise with ``share`` of the time
    gone (slipped work creeps towards where it is today), so progress only ever rises."""
    refs = {task.pk: r for r, task in ref.items()}
    # Work after a slipped task cannot have happened yet: nothing downstream of one progresses.
    after: dict[str, set[str]] = {}
    for a, b, _, _ in LINKS:
        after.setdefault(a, set()).add(b)
    children: dict[str, list[str]] = {}
    for r, _, parent, _ in PLAN:
        if parent:
            children.setdefault(parent, []).append(r)
    held, stack = set(), [r for r in SLIPS]
    while stack:
        r = stack.pop()
        for nxt in after.get(r, set()) | set(children.get(r, [])):
            if nxt not in held:
                held.add(nxt)
                stack.append(nxt)
    parents = set(
        Task.objects.filter(project=project)
        .exclude(parent=None)
        .values_list("parent_id", flat=True)
    )
    updates = []
    for task in Task.objects.filter(project=project).order_by("start", "id"):
        if task.pk in parents or task.start is None or task.finish is None:
            continue
        slip = SLIPS.get(refs.get(task.pk, ""))
        if refs.get(task.pk) in held and slip is None:
            continue
        if slip is not None and final:
            updates.append({"id": task.pk, "version": task.version, **slip})
            continue
        if task.finish.date() < today:
            percent = 100
        elif task.start.date() < today:
            spent = (today - task.start.date()).days / max(
                (task.finish.date() - task.start.date()).days, 1
            )
            percent = min(90, max(10, round(spent * 10) * 10))
        else:
            continue
        if slip is not None:
            percent = min(percent, 10 * int(slip["percent_complete"] * share / 10))
        if percent <= task.percent_complete:
            continue
        updates.append({"id": task.pk, "version": task.version, "percent_complete": percent})
    if updates:
        services_tasks.update_tasks(OPERATOR, project.pk, updates)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def load(organisation: Organisation, today: date | None = None) -> Project:
    """Build the demo projects through the services, relative to ``today``."""
    today = today or date.today()
    start = _monday(today) - timedelta(weeks=9)
    by_email = {u.email: u for u in User.objects.filter(memberships__organisation=organisation)}
    marco = by_email.get("marco@lumen.example")

    from tandem.products.models import RoadmapItem

    item = (
        RoadmapItem.objects.filter(product__organisation=organisation)
        .exclude(status__in=["done", "shipped", "dropped", "closed"])
        .order_by("id")
        .first()
    )
    project = services.create_project(
        OPERATOR,
        organisation.pk,
        name="Lumen mobile app 2.0",
        key="MOB",
        start=start,
        deadline=start + timedelta(weeks=22),
        status="active",
        manager_id=marco.pk if marco else None,
        roadmap_item_ids=[item.pk] if item else [],
        budget=18_500_000,
        objectives="Replace the five-year-old app with native iOS and Android apps that work "
        "offline, to lift weekly active users and the store rating.",
        scope_in="Native iOS and Android apps; sync, notifications and authentication "
        "services; beta; store launch; retiring the old app.",
        scope_out="Tablet layouts; a web version; new payment methods.",
    )
    tasks = [
        {"ref": ref, "name": name, "parent": parent, "duration": int(days * DAY)}
        for ref, name, parent, days in PLAN
    ]
    links = [{"from": a, "to": b, "type": kind, "lag": int(lag * DAY)} for a, b, kind, lag in LINKS]
    created = services_tasks.create_tasks(OPERATOR, project.pk, tasks, links)
    ref = {r[0]: t for r, t in zip(PLAN, created, strict=True)}
    # A deadline the plan cannot meet: the beta was promised for a trade fair.
    beta = ref["m.beta"]
    services_tasks.update_task(
        OPERATOR,
        beta.pk,
        version=beta.version,
        deadline=start + timedelta(weeks=13, days=4),
    )

    people = {u.display_name: u for u in by_email.values()}
    resources = {}
    for name, _, _ in ASSIGN:
        person = people.get(name)
        kind = "facility" if name == "Device lab" else "person"
        resources[name] = services_plan.create_resource(
            OPERATOR,
            organisation.pk,
            name=name,
            kind=kind,
            user_id=person.pk if person else None,
            cost_rate=0 if kind == "facility" else (9500 if person else 7000),
        )
    services_plan.assign_many(
        OPERATOR,
        project.pk,
        [(ref[r].pk, resources[name].pk, units) for name, refs, units in ASSIGN for r in refs],
    )

    services_plan.save_baseline(OPERATOR, project.pk, name="Approved plan")

    from tandem.demo import finance

    finance.prepare(organisation, project, ref, resources)
    # Week by week: progress to each Friday, the time worked that week, a snapshot.
    friday = start + timedelta(days=4)
    while friday < today:
        share = (friday - start).days / max((today - start).days, 1)
        _progress_to(project, ref, friday, final=False, share=share)
        finance.week_worked(project, friday)
        friday += timedelta(weeks=1)
    _progress_to(project, ref, today)
    finance.week_worked(project, today, snapshot=False)
    services.update_project(
        OPERATOR, project.pk, version=Project.objects.get(pk=project.pk).version, status_date=today
    )

    template = ProjectTemplate.objects.filter(
        organisation=organisation, name="Product stage gates"
    ).first()
    if template is None:
        services_plan.ensure_standard_templates(OPERATOR, organisation.pk)
        template = ProjectTemplate.objects.get(
            organisation=organisation, name="Product stage gates"
        )
    services_plan.create_project_from_template(
        OPERATOR,
        template.pk,
        name="Insights dashboard",
        key="INS",
        start=_monday(today) + timedelta(weeks=3),
        status="proposed",
        manager_id=marco.pk if marco else None,
    )
    return project
