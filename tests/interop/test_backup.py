"""Backups of a whole organisation: every model accounted for, the demo restored into an empty
database backs up to the very same bytes, and a bad file or a taken slug writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Membership, Organisation, User
from tandem.collab.models import JournalEntry
from tandem.demo import load_demo
from tandem.errors import Conflict, Forbidden, Invalid, NotFound
from tandem.interop import backup_models
from tandem.interop.backup import backup_organisation
from tandem.interop.restore import restore_organisation
from tandem.projects import services_tasks
from tandem.projects.models import Calendar, LevelingProposal, Project, Resource, Task
from tests.conftest import owner_of
from tests.interop.conftest import Counts

pytestmark = pytest.mark.django_db


def tandem_rows(counts: dict[str, int]) -> dict[str, int]:
    return {label: n for label, n in counts.items() if n}


def test_every_tandem_model_is_backed_up_or_excluded_with_a_reason() -> None:
    # A new model that reaches no organisation through required foreign keys, and is not
    # excluded on purpose, fails here: decide where it belongs.
    assert backup_models.unaccounted() == []
    labels = {m._meta.label_lower for m in backup_models.tandem_models()}
    assert set(backup_models.EXCLUDED) <= labels
    assert all(len(reason) > 20 for reason in backup_models.EXCLUDED.values())
    backed_up = [t.label for t in backup_models.tables()]
    assert {"projects.task", "products.measurement", "collab.journalentry"} <= set(backed_up)
    # Tables come after the tables their foreign keys need.
    position = {label: n for n, label in enumerate(backed_up)}
    for table in backup_models.tables():
        for f in table.fields:
            target = getattr(f.related_model, "_meta", None)
            needed = f.is_relation and target and target.label_lower in position
            if needed and f.name not in table.deferred:
                assert position[target.label_lower] < position[table.label]


def test_the_demo_restored_into_an_empty_database_backs_up_to_the_same_bytes(
    row_counts: Callable[[], dict[str, int]],
) -> None:
    demo = load_demo()
    text = backup_organisation(OPERATOR, demo.pk)
    counts = tandem_rows(row_counts())
    document = json.loads(text)
    assert document["format"] == "tandem-backup" and document["version"] == 1
    assert len(document["tables"]["projects.task"]) == Task.objects.count()
    assert all("password" in user and user["password"] for user in document["users"])
    # An empty database: no organisation, no user.
    Organisation.objects.all().delete()
    User.objects.all().delete()
    assert tandem_rows(row_counts()) == {}
    seen: list[tuple[str, int, int]] = []
    restored = restore_organisation(
        OPERATOR, text, progress=lambda table, done, total: seen.append((table, done, total))
    )
    assert restored.slug == demo.slug
    assert tandem_rows(row_counts()) == counts
    assert backup_organisation(OPERATOR, restored.pk) == text
    assert seen and seen[-1][1] == seen[-1][2]
    # People sign in with the passwords they had.
    person = User.objects.get(email=document["users"][0]["email"])
    assert person.check_password("tandem-demo")


def test_a_copy_beside_the_original_reuses_its_people_and_keeps_every_relation(
    org: Organisation,
    planner: User,
    make_project: Callable[..., Project],
    make_resource: Callable[..., Resource],
) -> None:
    project = make_project(name="Apollo")
    first = services_tasks.create_task(planner, project.pk, name="First", duration=480)
    later = services_tasks.create_task(planner, project.pk, name="Later parent", duration=480)
    # A task under a parent created after it: restored rows must not need their parent first.
    services_tasks.update_task(planner, first.pk, version=first.version, parent_id=later.pk)
    base = Calendar.objects.create(
        organisation=org, name="Base", week=[[[480, 1020]]] * 5 + [[]] * 2
    )
    Calendar.objects.create(organisation=org, name="Derived", base=base, week=[None] * 7)
    resource = make_resource("Ana")
    LevelingProposal.objects.create(
        project=project, method="serial", plan_version=1, resources=[resource.pk]
    )
    users = User.objects.count()
    text = backup_organisation(owner_of(org), org.pk)
    copy = restore_organisation(OPERATOR, text, new_slug="acme-copy")
    assert copy.pk != org.pk and User.objects.count() == users
    assert set(Membership.objects.filter(organisation=copy).values_list("user", "role")) == set(
        Membership.objects.filter(organisation=org).values_list("user", "role")
    )
    twin = Project.objects.get(organisation=copy)
    moved = Task.objects.get(project=twin, name="First")
    assert moved.parent == Task.objects.get(project=twin, name="Later parent")
    assert Calendar.objects.get(organisation=copy, name="Derived").base.name == "Base"
    proposal = LevelingProposal.objects.get(project=twin)
    assert proposal.resources == [Resource.objects.get(organisation=copy, name="Ana").pk]
    entry = JournalEntry.objects.filter(organisation=copy, action="projects.task.created").first()
    assert entry is not None and Task.objects.get(pk=entry.target_id).project == twin
    again = backup_organisation(OPERATOR, copy.pk)
    assert again.replace('"slug": "acme-copy"', '"slug": "acme"') == text
    assert Project.objects.get(organisation=org).name == "Apollo"  # the original is untouched


def test_another_organisations_rows_and_people_never_enter_a_backup(
    org: Organisation,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., User],
    make_project: Callable[..., Project],
) -> None:
    make_project(name="Ours")
    other = make_organisation(name="Rival", slug="rival")
    spy = make_member(other, role="admin", email="spy@rival.example")
    make_project(organisation=other, name="Their secret plan")
    text = backup_organisation(owner_of(org), org.pk)
    assert "Ours" in text
    assert "Their secret plan" not in text and spy.email not in text and "Rival" not in text


@pytest.mark.parametrize("role", ["viewer", "member", "project_manager", "product_manager"])
def test_only_owners_and_admins_back_up(
    org: Organisation, make_member: Callable[..., User], role: str
) -> None:
    with pytest.raises(Forbidden):
        backup_organisation(make_member(org, role=role), org.pk)
    assert backup_organisation(make_member(org, role="admin"), org.pk)


def test_outsiders_cannot_back_up_and_only_the_operator_restores(
    org: Organisation, outsider: User
) -> None:
    with pytest.raises(NotFound):
        backup_organisation(outsider, org.pk)
    text = backup_organisation(OPERATOR, org.pk)
    with pytest.raises(Forbidden):
        restore_organisation(owner_of(org), text, new_slug="mine")


def test_a_restore_never_replaces_an_organisation(org: Organisation, row_counts: Counts) -> None:
    text = backup_organisation(OPERATOR, org.pk)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        restore_organisation(OPERATOR, text)
    assert refusal.value.code == "backup.organisation_exists"
    assert "--as-new-slug" in refusal.value.message
    with pytest.raises(Invalid):
        restore_organisation(OPERATOR, text, new_slug="Not A Slug")
    with pytest.raises(Invalid):
        restore_organisation(OPERATOR, text, new_slug="api")
    assert row_counts() == before


def test_existing_accounts_are_reused_as_they_are(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    ana = make_member(org, role="member", email="ana@example.com", display_name="Ana")
    text = backup_organisation(OPERATOR, org.pk)
    ana.display_name = "Ana (renamed since)"
    ana.save()
    restore_organisation(OPERATOR, text, new_slug="acme-2")
    assert User.objects.get(email="ana@example.com").display_name == "Ana (renamed since)"


def _edited(text: str, change: Callable[[dict[str, Any]], None]) -> str:
    document = json.loads(text)
    change(document)
    return json.dumps(document)


def _first_task(document: dict[str, Any]) -> dict[str, Any]:
    return document["tables"]["projects.task"][0]


@pytest.mark.parametrize(
    ("damage", "code", "message"),
    [
        (lambda t: t[: len(t) // 2], "backup.malformed", "it ends early (truncated?)"),
        (lambda t: "not json at all", "backup.malformed", "it is not valid JSON"),
        (lambda t: "[1, 2]", "backup.invalid", "is not a tandem backup"),
        (
            lambda t: _edited(t, lambda d: d.update(version=99)),
            "backup.invalid",
            "format version 99",
        ),
        (
            lambda t: _edited(t, lambda d: d["schema"].update(projects="9999_future")),
            "backup.invalid",
            "migration projects.9999_future is not applied here",
        ),
        (
            lambda t: _edited(t, lambda d: d["tables"].update({"projects.spaceship": []})),
            "backup.invalid",
            "a table projects.spaceship that this tandem does not know",
        ),
        (
            lambda t: _edited(t, lambda d: _first_task(d).update(duration="long")),
            "backup.invalid",
            "projects.task 1.duration: 'long' is not a valid",
        ),
        (
            lambda t: _edited(t, lambda d: _first_task(d).update(project=999)),
            "backup.invalid",
            "projects.task 1.project: there is no projects.project 999 in the backup",
        ),
        (
            lambda t: _edited(t, lambda d: _first_task(d).update(colour="red")),
            "backup.invalid",
            "projects.task 1: unknown field colour",
        ),
        (
            lambda t: _edited(t, lambda d: _first_task(d).update(start="2030-01-07T08:00:00")),
            "backup.invalid",
            "has no time zone offset",
        ),
        (
            lambda t: _edited(t, lambda d: _first_task(d).update(name=None)),
            "backup.invalid",
            "projects.task 1.name: a value is required",
        ),
        (
            lambda t: _edited(t, lambda d: d["users"].pop()),
            "backup.invalid",
            "is not in the backup's users",
        ),
        (
            # The database's own check (percent at most 100) still rolls everything back.
            lambda t: _edited(t, lambda d: _first_task(d).update(percent_complete=250)),
            "backup.invalid",
            "does not fit this database",
        ),
    ],
)
def test_a_malformed_backup_is_refused_with_a_clear_error_and_writes_nothing(
    org: Organisation,
    planner: User,
    make_project: Callable[..., Project],
    row_counts: Counts,
    damage: Callable[[str], str],
    code: str,
    message: str,
) -> None:
    project = make_project()
    services_tasks.create_task(planner, project.pk, name="Something", duration=480)
    text = backup_organisation(OPERATOR, org.pk)
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        restore_organisation(OPERATOR, damage(text), new_slug="restored")
    assert refusal.value.code == code
    assert message in refusal.value.message
    assert row_counts() == before
    assert not Organisation.objects.filter(slug="restored").exists()
