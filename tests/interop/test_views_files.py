"""The plan import page as a project manager uses it: upload → preview → import into a new
project, refusals that write nothing, the waiting file kept on the server, and the MS Project
XML download on the task page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.errors import Invalid
from tandem.interop import plan_import, views_files
from tandem.projects.models import Project, Task
from tests.interop.conftest import Counts
from tests.shared_data import PROJECT_FILES

pytestmark = pytest.mark.django_db

LINKS = PROJECT_FILES / "mspdi" / "mpxj-task-links-project2019.xml"
BROKEN = b'<?xml version="1.0"?><Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task>'


@pytest.fixture(autouse=True)
def uploads(settings: Any, tmp_path: Path) -> Path:
    """The data directory of this test; the waiting files live in its uploads/ folder."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def _page(org: Organisation) -> str:
    return f"/o/{org.slug}/projects/import/"


def _signed_in(browser_client: Callable[[User], Client], user: User, url: str) -> Client:
    """A client that has loaded ``url`` (status 200), so it holds a CSRF token."""
    client = browser_client(user)
    assert client.get(url).status_code == 200
    return client


def _post(client: Client, url: str, data: dict[str, Any], **headers: str) -> Any:
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, headers=headers)


def _file(path: Path = LINKS, data: bytes | None = None, name: str | None = None) -> Any:
    return SimpleUploadedFile(name or path.name, path.read_bytes() if data is None else data)


def _waiting(uploads: Path) -> list[Path]:
    return list(uploads.iterdir()) if uploads.exists() else []


def test_the_projects_list_offers_an_import_to_planners_only(
    org: Organisation,
    planner: User,
    viewer: User,
    browser_client: Callable[[User], Client],
) -> None:
    projects = f"/o/{org.slug}/projects/"
    html = browser_client(planner).get(projects).content.decode()
    assert f'href="{_page(org)}"' in html and "Import a plan" in html
    assert f'href="{_page(org)}"' not in browser_client(viewer).get(projects).content.decode()


def test_the_upload_form_accepts_the_supported_files(
    org: Organisation, planner: User, browser_client: Callable[[User], Client]
) -> None:
    html = browser_client(planner).get(_page(org)).content.decode()
    assert f'accept="{",".join(sorted(plan_import.SUPPORTED))}"' in html
    assert 'accept=".gan,.mpp,.mpx,' in html
    assert "Up to 50 MB." in html


def test_upload_preview_and_import_a_plan_as_a_new_project(
    org: Organisation,
    planner: User,
    browser_client: Callable[[User], Client],
    row_counts: Counts,
    uploads: Path,
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    before = row_counts()
    response = _post(client, _page(org), {"action": "preview", "file": _file()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: " in html and "MS Project XML" in html
    assert "<li><strong>16</strong> tasks</li>" in html
    assert "<li><strong>8</strong> links</li>" in html
    assert "18 Oct 2018 → 2 Nov 2018" in html
    assert html.count("<td>Task 1") >= 1
    assert "Importing 16 tasks…" in html and 'hx-indicator="#plan-running"' in html
    # Nothing is written by a preview; the file waits on the server, not in the page.
    assert row_counts() == before
    assert len(_waiting(uploads)) == 1
    assert LINKS.read_text(encoding="utf-8")[:200] not in html

    response = _post(client, _page(org), {"action": "import", "project_name": "Link types"})
    project = Project.objects.get(organisation=org, name="Link types")
    assert response.status_code == 302
    assert response["Location"] == f"/o/{org.slug}/projects/{project.pk}/gantt/"
    assert Task.objects.filter(project=project).count() == 16
    assert _waiting(uploads) == []
    gantt = client.get(response["Location"]).content.decode()
    assert "Imported Link types from mpxj-task-links-project2019.xml: 16 tasks, 8 links" in gantt


def test_an_htmx_import_is_told_to_open_the_gantt_chart(
    org: Organisation, planner: User, browser_client: Callable[[User], Client]
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    _post(client, _page(org), {"action": "preview", "file": _file(), "project_name": "Named"})
    response = _post(
        client, _page(org), {"action": "import", "project_name": "Named"}, HX_Request="true"
    )
    project = Project.objects.get(organisation=org, name="Named")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/o/{org.slug}/projects/{project.pk}/gantt/"


def test_the_name_given_with_the_upload_is_proposed_for_the_project(
    org: Organisation, planner: User, browser_client: Callable[[User], Client]
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    response = _post(
        client, _page(org), {"action": "preview", "file": _file(), "project_name": "Bridge"}
    )
    assert 'name="project_name" value="Bridge"' in response.content.decode()


def test_a_malformed_file_is_a_clear_error_and_writes_nothing(
    org: Organisation,
    planner: User,
    browser_client: Callable[[User], Client],
    row_counts: Counts,
    uploads: Path,
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    before = row_counts()
    response = _post(
        client, _page(org), {"action": "preview", "file": _file(data=BROKEN, name="plan.xml")}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'class="field has-error"' in html
    assert '<small class="error" role="alert">plan.xml: ' in html
    assert "Preview:" not in html
    assert row_counts() == before
    assert _waiting(uploads) == []
    # Nothing waits, so an import asked for anyway is sent back to upload again.
    response = _post(client, _page(org), {"action": "import"})
    assert response.status_code == 302 and response["Location"] == _page(org)
    assert "upload it again" in client.get(_page(org)).content.decode()
    assert row_counts() == before


def test_a_file_of_another_kind_is_refused_by_name(
    org: Organisation, planner: User, browser_client: Callable[[User], Client]
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    upload = _file(data=b"just some notes", name="notes.txt")
    response = _post(client, _page(org), {"action": "preview", "file": upload})
    assert response.status_code == 422
    assert Project.objects.filter(organisation=org).count() == 0


def test_a_refused_import_shows_the_preview_again_with_the_reason(
    org: Organisation,
    planner: User,
    browser_client: Callable[[User], Client],
    row_counts: Counts,
    uploads: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    _post(client, _page(org), {"action": "preview", "file": _file()})
    before = row_counts()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise Invalid("Row 7 has a link to a task that is not there.", code="import.unreadable")

    monkeypatch.setattr(plan_import, "import_plan", refuse)
    response = _post(
        client, _page(org), {"action": "import", "project_name": "X"}, HX_Request="true"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert html.startswith('<section class="card plan-preview" id="plan-preview"')
    assert "Row 7 has a link to a task that is not there." in html
    assert row_counts() == before
    # The file still waits, so the import can be tried again.
    assert len(_waiting(uploads)) == 1


def test_cancel_and_a_new_upload_delete_the_waiting_file(
    org: Organisation, planner: User, browser_client: Callable[[User], Client], uploads: Path
) -> None:
    client = _signed_in(browser_client, planner, _page(org))
    _post(client, _page(org), {"action": "preview", "file": _file()})
    first = _waiting(uploads)
    _post(client, _page(org), {"action": "preview", "file": _file()})
    second = _waiting(uploads)
    assert len(first) == len(second) == 1 and first != second
    response = _post(client, _page(org), {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == f"/o/{org.slug}/projects/"
    assert _waiting(uploads) == []


def test_an_upload_over_the_limit_is_refused_with_the_limit(
    org: Organisation,
    planner: User,
    browser_client: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
    uploads: Path,
) -> None:
    monkeypatch.setattr(views_files, "MAX_UPLOAD_BYTES", 1024 * 1024)
    client = _signed_in(browser_client, planner, _page(org))
    big = _file(data=b" " * (1024 * 1024 + 1), name="big.xml")
    response = _post(client, _page(org), {"action": "preview", "file": big})
    assert response.status_code == 422
    assert "The file is 1.0 MB; the limit is 1 MB." in response.content.decode()
    assert _waiting(uploads) == []


def test_a_viewer_is_refused_the_import(
    org: Organisation,
    viewer: User,
    browser_client: Callable[[User], Client],
    row_counts: Counts,
) -> None:
    client = browser_client(viewer)
    assert client.get(_page(org)).status_code == 403
    before = row_counts()
    client = Client()
    client.force_login(viewer)
    response = client.post(_page(org), {"action": "preview", "file": _file()})
    assert response.status_code == 403
    assert row_counts() == before


def test_another_organisations_import_page_answers_404(
    org: Organisation,
    planner: User,
    outsider: User,
    browser_client: Callable[[User], Client],
) -> None:
    assert browser_client(outsider).get(_page(org)).status_code == 404
    elsewhere = outsider.memberships.get().organisation
    assert browser_client(planner).get(_page(elsewhere)).status_code == 404


def test_a_file_waiting_for_one_organisation_is_not_imported_into_another(
    org: Organisation,
    planner: User,
    make_organisation: Callable[..., Organisation],
    browser_client: Callable[[User], Client],
) -> None:
    second = make_organisation(owner=planner, slug="second")
    client = _signed_in(browser_client, planner, _page(org))
    _post(client, _page(org), {"action": "preview", "file": _file()})
    response = _post(client, _page(second), {"action": "import", "project_name": "Moved"})
    assert response.status_code == 302 and response["Location"] == _page(second)
    assert not Project.objects.filter(name="Moved").exists()


# -- MS Project XML download -------------------------------------------------------------------


def test_the_task_page_offers_the_ms_project_download(
    viewer: User, make_project: Callable[..., Project], browser_client: Callable[[User], Client]
) -> None:
    project = make_project()
    tasks = f"/o/{project.organisation.slug}/projects/{project.pk}/tasks/"
    html = browser_client(viewer).get(tasks).content.decode()
    assert f'href="/o/{project.organisation.slug}/projects/{project.pk}/export.xml"' in html
    assert "Download MS Project XML" in html


def test_the_download_is_ms_project_xml(
    viewer: User, make_project: Callable[..., Project], browser_client: Callable[[User], Client]
) -> None:
    project = make_project(name="Bridge", key="BRG")
    url = f"/o/{project.organisation.slug}/projects/{project.pk}/export.xml"
    response = browser_client(viewer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert b"<Project" in response.content and b"Bridge" in response.content


def test_another_organisations_download_answers_404(
    make_project: Callable[..., Project],
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., User],
    browser_client: Callable[[User], Client],
) -> None:
    project = make_project()
    stranger = make_member(make_organisation(slug="other"), role="owner")
    client = browser_client(stranger)
    assert (
        client.get(f"/o/{project.organisation.slug}/projects/{project.pk}/export.xml").status_code
        == 404
    )
    assert client.get(f"/o/other/projects/{project.pk}/export.xml").status_code == 404
