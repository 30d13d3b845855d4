"""Access to a project: the first line of every projects service and query."""

from __future__ import annotations

from tandem.accounts.access import Access, access_organisation
from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.errors import Forbidden, NotFound
from tandem.projects.models import Project, Task


def access_project(
    actor: Actor, project_id: int, permission: Permission = Permission.VIEW, *, lock: bool = False
) -> tuple[Access, Project]:
    """The actor's access and the project (locked for update with ``lock``).

    NotFound for unknown projects and those of other organisations; Forbidden when the role
    lacks the permission.
    """
    rows = Project.objects.select_related("organisation", "calendar")
    if lock:
        rows = rows.select_for_update(of=("self",))
    project = rows.filter(pk=project_id).first()
    if project is None:
        raise NotFound("No such project.", code="project.not_found")
    try:
        access = access_organisation(actor, project.organisation_id, permission)
    except NotFound:
        raise NotFound("No such project.", code="project.not_found") from None
    return access, project


def access_task(
    actor: Actor, task_id: int, permission: Permission = Permission.VIEW, *, lock: bool = False
) -> tuple[Access, Project, Task]:
    """The actor's access, the task's project (locked with ``lock``) and the task."""
    task = Task.objects.filter(pk=task_id).only("id", "project_id").first()
    if task is None:
        raise NotFound("No such task.", code="task.not_found")
    try:
        access, project = access_project(actor, task.project_id, Permission.VIEW, lock=lock)
    except NotFound:
        raise NotFound("No such task.", code="task.not_found") from None
    rows = Task.objects.select_for_update() if lock else Task.objects
    task = rows.get(pk=task_id)
    if permission is not Permission.VIEW:
        access.require(permission)
    return access, project, task


def may_update_progress(access: Access, task: Task) -> bool:
    """Plan editors may; members only on tasks assigned to them."""
    if access.can(Permission.EDIT_PLAN):
        return True
    if not access.can(Permission.UPDATE_OWN_PROGRESS):
        return False
    user = access.user
    return user is not None and task.assignments.filter(resource__user=user).exists()


def require_progress_rights(access: Access, task: Task) -> None:
    """Forbidden unless the actor may update this task's progress."""
    if not may_update_progress(access, task):
        raise Forbidden(
            "Only plan editors and the people assigned to this task may update its progress.",
            code="task.progress_forbidden",
        )
