"""The API for project files: import a file as a new project (201 with what it made, or 422 and
nothing written) and export a project as MS Project XML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.interop import api
from tandem.projects.models import Project, Task
from tests.interop.conftest import Counts
from tests.shared_data import PROJECT_FILES

pytestmark = pytest.mark.django_db

LINKS = PROJECT_FILES / "mspdi" / "mpxj-task-links-project2019.xml"


def _imports(org: Organisation) -> str:
    return f"/api/v1/organisations/{org.pk}/imports"


def _upload(name: str = LINKS.name, data: bytes | None = None) -> Any:
    return SimpleUploadedFile(name, LINKS.read_bytes() if data is None else data)


def test_an_import_answers_201_with_what_it_made(
    org: Organisation, planner: User, api_client: Callable[[User], Client]
) -> None:
    response = api_client(planner).post(
        _imports(org), {"file": _upload(), "project_name": "Link types"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"project_id", "name", "counts", "warnings", "seconds"}
    assert body["name"] == "Link types"
    assert body["counts"]["tasks"] == 16 and body["counts"]["links"] == 8
    assert set(body["counts"]) >= {"tasks", "links", "calendars", "resources", "assignments"}
    assert isinstance(body["warnings"], list) and body["seconds"] >= 0
    project = Project.objects.get(pk=body["project_id"], organisation=org)
    assert Task.objects.filter(project=project).count() == 16


def test_without_a_name_the_project_takes_the_files(
    org: Organisation, planner: User, api_client: Callable[[User], Client]
) -> None:
    response = api_client(planner).post(_imports(org), {"file": _upload()})
    assert response.status_code == 201
    assert response.json()["name"]


def test_a_bad_file_answers_422_and_writes_nothing(
    org: Organisation, planner: User, api_client: Callable[[User], Client], row_counts: Counts
) -> None:
    client = api_client(planner)
    before = row_counts()
    broken = _upload("plan.xml", b"<?xml version='1.0'?><Project><Tasks><Task>")
    response = client.post(_imports(org), {"file": broken})
    assert response.status_code == 422
    assert response.json()["code"] == "import.unreadable"
    response = client.post(_imports(org), {"file": _upload("plan.txt", b"notes")})
    assert response.status_code == 422
    assert response.json()["code"] == "import.unsupported"
    assert row_counts() == before


def test_a_missing_file_answers_422(
    org: Organisation, planner: User, api_client: Callable[[User], Client]
) -> None:
    response = api_client(planner).post(_imports(org), {"project_name": "Nothing"})
    assert response.status_code == 422
    assert response.json()["field"] == "file"


def test_a_file_over_the_limit_answers_422(
    org: Organisation,
    planner: User,
    api_client: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
    row_counts: Counts,
) -> None:
    monkeypatch.setattr(api, "MAX_PLAN_BYTES", 1000)
    client = api_client(planner)
    before = row_counts()
    response = client.post(_imports(org), {"file": _upload()})
    assert response.status_code == 422
    assert response.json()["code"] == "import.too_large"
    assert row_counts() == before


def test_viewers_are_refused_and_other_organisations_answer_404(
    org: Organisation,
    viewer: User,
    outsider: User,
    api_client: Callable[[User], Client],
    row_counts: Counts,
) -> None:
    viewing, outside = api_client(viewer), api_client(outsider)
    before = row_counts()
    assert viewing.post(_imports(org), {"file": _upload()}).status_code == 403
    assert outside.post(_imports(org), {"file": _upload()}).status_code == 404
    assert row_counts() == before


def test_the_export_is_ms_project_xml_that_imports_again(
    org: Organisation, planner: User, api_client: Callable[[User], Client]
) -> None:
    client = api_client(planner)
    imported = client.post(_imports(org), {"file": _upload(), "project_name": "Original"}).json()
    response = client.get(f"/api/v1/projects/{imported['project_id']}/export.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response.content.lstrip().startswith(b"<?xml")
    assert b"<Project" in response.content and b"Original" in response.content
    again = client.post(
        _imports(org),
        {"file": SimpleUploadedFile("copy.xml", response.content), "project_name": "Copy"},
    )
    assert again.status_code == 201, again.content
    assert again.json()["counts"]["tasks"] == imported["counts"]["tasks"]
    assert again.json()["counts"]["links"] == imported["counts"]["links"]


def test_another_organisations_project_is_not_exported(
    org: Organisation,
    outsider: User,
    make_project: Callable[..., Project],
    api_client: Callable[[User], Client],
) -> None:
    project = make_project()
    response = api_client(outsider).get(f"/api/v1/projects/{project.pk}/export.xml")
    assert response.status_code == 404
