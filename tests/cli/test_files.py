"""`tandem import` and `tandem export`, run in-process as the console entry point runs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tandem.accounts.models import Organisation, User
from tandem.projects.models import Project, Task
from tests.cli.conftest import Result
from tests.shared_data import PROJECT_FILES

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db

LINKS = PROJECT_FILES / "mspdi" / "mpxj-task-links-project2019.xml"


def test_import_makes_a_project_and_ends_with_the_counts(
    org: Organisation, tandem: Callable[..., Result]
) -> None:
    result = tandem("import", str(LINKS), "--project", "Link types", "--org", "acme")
    assert result.code == 0, result.err
    project = Project.objects.get(organisation=org, name="Link types")
    assert result.out.startswith(
        f"Imported Link types ({project.key}, id {project.pk}) into acme: "
    )
    assert "16 tasks, 8 links" in result.out
    assert result.out.rstrip().endswith(" s.")
    assert Task.objects.filter(project=project).count() == 16


def test_import_finds_the_only_organisation_by_itself(
    org: Organisation, tandem: Callable[..., Result]
) -> None:
    result = tandem("import", str(LINKS))
    assert result.code == 0, result.err
    assert Project.objects.filter(organisation=org).count() == 1


def test_import_needs_org_when_there_are_several(
    org: Organisation,
    make_organisation: Callable[..., Organisation],
    tandem: Callable[..., Result],
) -> None:
    make_organisation()
    result = tandem("import", str(LINKS))
    assert result.code == 2
    assert result.err == "tandem: Name the organisation with --org (several exist).\n"
    assert not Project.objects.exists()


def test_import_as_a_member_is_held_to_their_role(
    org: Organisation,
    make_member: Callable[..., User],
    tandem: Callable[..., Result],
    row_counts: Counts,
) -> None:
    viewer = make_member(org, role="viewer")
    planner = make_member(org, role="project_manager")
    before = row_counts()
    refused = tandem("import", str(LINKS), "--as", viewer.email)
    assert refused.code == 2 and refused.err.startswith("tandem: ")
    assert row_counts() == before
    done = tandem("import", str(LINKS), "--as", planner.email, "--project", "Mine")
    assert done.code == 0, done.err
    assert Project.objects.get(name="Mine").organisation == org


def test_a_missing_file_exits_2_with_a_message(
    org: Organisation, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    result = tandem("import", str(tmp_path / "nowhere.mpp"), "--org", "acme")
    assert result.code == 2
    assert result.err == f"tandem: No file {tmp_path / 'nowhere.mpp'}.\n"


def test_an_unreadable_file_exits_2_and_writes_nothing(
    org: Organisation, tandem: Callable[..., Result], tmp_path: Path, row_counts: Counts
) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<?xml version='1.0'?><Project><Tasks><Task>")
    before = row_counts()
    result = tandem("import", str(broken), "--org", "acme")
    assert result.code == 2
    assert result.err.startswith("tandem: ") and result.err.count("\n") == 1
    assert row_counts() == before


def test_export_writes_ms_project_xml_that_imports_again(
    org: Organisation, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    assert tandem("import", str(LINKS), "--project", "Link types", "--org", "acme").code == 0
    key = Project.objects.get(name="Link types").key
    out = tmp_path / "links.xml"
    result = tandem("export", key, str(out), "--org", "acme")
    assert result.code == 0, result.err
    assert result.err.startswith(f"Wrote {out} (")
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    # By name too; the export reads back as the same plan.
    assert tandem("export", "link types", str(out)).code == 0
    again = tandem("import", str(out), "--project", "Again", "--org", "acme")
    assert again.code == 0, again.err
    assert Task.objects.filter(project__name="Again").count() == 16


def test_export_of_an_unknown_project_exits_2(
    org: Organisation, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    result = tandem("export", "NOPE", str(tmp_path / "x.xml"))
    assert result.code == 2
    assert result.err == "tandem: No project 'NOPE'.\n"
    assert not (tmp_path / "x.xml").exists()
