"""The CSV exchange as people use it: measurements in and out, the preview (the import itself,
rolled back), the upload → preview → import pages, and the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.errors import Forbidden, Invalid, NotFound
from tandem.interop import csv_exchange, csv_measurements
from tandem.products import services_metrics
from tandem.products.models import Measurement, Metric, Product
from tandem.projects.models import Project, Resource, Task
from tests.conftest import owner_of
from tests.interop.conftest import Counts

pytestmark = pytest.mark.django_db

TASKS = "id,name,duration,predecessors\n1,Plan,2d,\n2,Build,5d,1\n3,Ship,0d,2FS+1d\n"
BAD_TASKS = "id,name,duration,predecessors\n1,Plan,2d,\n2,Build,five days,1\n3,Ship,0d,9\n"


@pytest.fixture
def wau(make_product: Callable[..., Product], make_metric: Callable[..., Metric]) -> Metric:
    return make_metric(make_product(name="Beam", key="beam"), key="wau", name="Weekly users")


# -- measurements ------------------------------------------------------------------------------


def test_measurements_export_in_the_organisations_time_and_read_back(
    org: Organisation, pm: User, wau: Metric, make_metric: Callable[..., Metric]
) -> None:
    org.time_zone = "Europe/Berlin"
    org.save()
    for at, value in [
        (datetime(2026, 1, 4, 23, tzinfo=UTC), 120),  # midnight in Berlin: a bare date
        (datetime(2026, 1, 12, 8, 30, tzinfo=UTC), 131.25),
        (datetime(2026, 1, 19, 8, 30, 15, 500, tzinfo=UTC), 0.1 + 0.2),
    ]:
        services_metrics.record_measurement(pm, wau.pk, value=value, at=at)
    exported = csv_measurements.export_measurements(pm, wau.pk)
    assert exported.splitlines() == [
        "at,value",
        "2026-01-05,120",
        "2026-01-12T09:30:00+01:00,131.25",
        "2026-01-19T09:30:15.000500+01:00,0.30000000000000004",
    ]
    other = make_metric(wau.product, key="copy")
    csv_exchange.import_csv(pm, "measurements", other.pk, exported)
    assert csv_measurements.export_measurements(pm, other.pk) == exported


def test_a_member_without_the_right_to_record_cannot_import_measurements(
    org: Organisation, make_member: Callable[..., User], wau: Metric, row_counts: Counts
) -> None:
    member = make_member(org, role="member")
    before = row_counts()
    with pytest.raises(Forbidden):
        csv_exchange.preview_csv(member, "measurements", wau.pk, "at,value\n2026-01-01,1\n")
    with pytest.raises(Forbidden):
        csv_exchange.import_csv(member, "measurements", wau.pk, "at,value\n2026-01-01,1\n")
    assert row_counts() == before


# -- the preview -------------------------------------------------------------------------------


def test_a_preview_lists_every_bad_row_and_writes_nothing(
    planner: User, make_project: Callable[..., Project], row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    preview = csv_exchange.preview_csv(planner, "tasks", project.pk, BAD_TASKS)
    assert not preview.valid and preview.summary == ""
    assert preview.header == ["id", "name", "duration", "predecessors"]
    assert [(r.line, r.cells) for r in preview.rows] == [
        (2, ["1", "Plan", "2d", ""]),
        (3, ["2", "Build", "five days", "1"]),
        (4, ["3", "Ship", "0d", "9"]),
    ]
    assert [(e["row"], e["field"]) for e in preview.rows[1].errors] == [(3, "duration")]
    assert [(e["row"], e["field"]) for e in preview.errors] == [
        (3, "duration"),
        (4, "predecessors"),
    ]
    assert row_counts() == before


def test_a_clean_preview_says_what_the_import_will_add_and_still_writes_nothing(
    planner: User, make_project: Callable[..., Project], row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    preview = csv_exchange.preview_csv(planner, "tasks", project.pk, TASKS)
    assert preview.valid
    assert preview.summary == "3 tasks, 2 links and 0 assignments"
    assert preview.as_dict()["row_count"] == 3
    assert row_counts() == before
    _, summary = csv_exchange.import_csv(planner, "tasks", project.pk, TASKS)
    assert summary == preview.summary
    assert Task.objects.filter(project=project).count() == 3


def test_a_preview_catches_what_only_the_schedule_sees(
    planner: User,
    make_project: Callable[..., Project],
    make_resource: Callable[..., Resource],
    row_counts: Counts,
) -> None:
    # A link from a summary to its own subtask is a cycle only the scheduler finds.
    project = make_project()
    text = "id,wbs,name,duration,predecessors\n1,1,Phase,,\n2,1.1,Step,1d,1SS\n3,1.2,Next,1d,1\n"
    before = row_counts()
    preview = csv_exchange.preview_csv(planner, "tasks", project.pk, text)
    assert not preview.valid
    assert preview.errors[0]["row"] is None
    assert "cycle" in preview.errors[0]["message"]
    assert row_counts() == before


def test_a_file_that_is_not_csv_of_the_kind_is_one_file_error(
    planner: User, make_project: Callable[..., Project]
) -> None:
    preview = csv_exchange.preview_csv(planner, "tasks", make_project().pk, "title\nOops\n")
    assert preview.errors == [
        {
            "row": None,
            "field": "file",
            "message": "The header lacks the column name; expected "
            + ",".join(csv_exchange.KINDS["tasks"].columns)
            + ".",
        }
    ]
    assert preview.rows == []


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("tasks", 'name,notes\nA,"never closed\n', "is not valid CSV"),
        ("roadmap", "title,colour\nA,red\n", "unknown column colour"),
        ("roadmap", "", "The file is empty."),
        ("measurements", "when,value\n2026-01-01,3\n", "lacks the column at"),
        ("measurements", 'at,value\n"2026-01-01,3\n', "is not valid CSV"),
    ],
)
def test_a_malformed_file_of_each_kind_is_one_clear_error_and_writes_nothing(
    org: Organisation,
    make_project: Callable[..., Project],
    wau: Metric,
    row_counts: Counts,
    kind: str,
    text: str,
    message: str,
) -> None:
    owner = owner_of(org)
    target = {"tasks": make_project().pk, "roadmap": wau.product_id, "measurements": wau.pk}[kind]
    before = row_counts()
    preview = csv_exchange.preview_csv(owner, kind, target, text)
    assert len(preview.errors) == 1 and preview.errors[0]["row"] is None
    assert message in preview.errors[0]["message"]
    with pytest.raises(Invalid) as refusal:
        csv_exchange.import_csv(owner, kind, target, text)
    assert message in refusal.value.message
    assert row_counts() == before


def test_viewers_and_outsiders_get_no_preview(
    viewer: User, outsider: User, make_project: Callable[..., Project]
) -> None:
    project = make_project()
    with pytest.raises(Forbidden):
        csv_exchange.preview_csv(viewer, "tasks", project.pk, TASKS)
    with pytest.raises(NotFound):
        csv_exchange.preview_csv(outsider, "tasks", project.pk, TASKS)
    with pytest.raises(NotFound):
        csv_exchange.export_csv(outsider, "tasks", project.pk)


def test_an_unknown_kind_is_not_found(planner: User) -> None:
    with pytest.raises(NotFound):
        csv_exchange.export_csv(planner, "spreadsheets", 1)


def test_the_command_line_names_targets_by_key(
    org: Organisation, wau: Metric, make_project: Callable[..., Project]
) -> None:
    project = make_project(key="APP")
    assert csv_exchange.find_target("tasks", "app", org) == project.pk
    assert csv_exchange.find_target("tasks", str(project.pk)) == project.pk
    assert csv_exchange.find_target("roadmap", "beam", org) == wau.product_id
    assert csv_exchange.find_target("measurements", "beam/wau") == wau.pk
    with pytest.raises(NotFound):
        csv_exchange.find_target("measurements", "beam/nope")
    with pytest.raises(NotFound):
        csv_exchange.find_target("nonsense", "x")


# -- pages -------------------------------------------------------------------------------------


def _page(project: Project) -> str:
    return f"/o/{project.organisation.slug}/csv/tasks/{project.pk}/"


def _token(client: Client, url: str) -> str:
    assert client.get(url).status_code == 200
    return client.cookies["csrftoken"].value


def test_the_tasks_page_offers_export_and_import(
    planner: User,
    viewer: User,
    make_project: Callable[..., Project],
    browser_client: Callable[[User], Client],
) -> None:
    project = make_project()
    tasks_page = f"/o/{project.organisation.slug}/projects/{project.pk}/tasks/"
    html = browser_client(planner).get(tasks_page).content.decode()
    assert f'href="{_page(project)}export.csv"' in html
    assert f'href="{_page(project)}import/"' in html
    html = browser_client(viewer).get(tasks_page).content.decode()
    assert f'href="{_page(project)}export.csv"' in html
    assert f'href="{_page(project)}import/"' not in html


def test_upload_preview_fix_and_import_on_the_page(
    planner: User,
    make_project: Callable[..., Project],
    browser_client: Callable[[User], Client],
    row_counts: Counts,
) -> None:
    project = make_project()
    client = browser_client(planner)
    url = _page(project) + "import/"
    token = _token(client, url)
    before = row_counts()
    upload = SimpleUploadedFile("plan.csv", BAD_TASKS.encode("utf-8-sig"), "text/csv")
    response = client.post(url, {"file": upload, "action": "preview", "csrfmiddlewaretoken": token})
    html = response.content.decode()
    assert response.status_code == 422
    assert "2 problems found; nothing will be imported until they are fixed." in html
    assert '<a href="#line-3">Line 3</a> · <span class="csv-column">duration</span>: ' in html
    assert 'class="cell-error" title="&#x27;five days&#x27; is not a duration' in html
    assert "No row has the ID 9." in html
    assert "five days" in html  # the editor holds the file as uploaded
    assert row_counts() == before
    # Corrected in the editor and checked again: ready, still nothing written.
    response = client.post(url, {"text": TASKS, "action": "preview", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Ready to import." in response.content.decode()
    assert row_counts() == before
    response = client.post(url, {"text": TASKS, "action": "import", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == f"/o/{project.organisation.slug}/projects/{project.pk}/tasks/"
    assert Task.objects.filter(project=project).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "Imported 3 tasks, 2 links and 0 assignments." in page


def test_the_download_is_a_csv_attachment(
    planner: User, make_project: Callable[..., Project], browser_client: Callable[[User], Client]
) -> None:
    project = make_project(key="APP")
    response = browser_client(planner).get(_page(project) + "export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="app-tasks.csv"'
    assert response.content.decode().startswith("id,wbs,name,")


def test_pages_of_another_organisations_rows_answer_404(
    org: Organisation,
    make_project: Callable[..., Project],
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., User],
    browser_client: Callable[[User], Client],
    planner: User,
) -> None:
    project = make_project()
    stranger = make_member(make_organisation(slug="other"), role="owner")
    client = browser_client(stranger)
    assert client.get(_page(project) + "export.csv").status_code == 404
    assert client.get(_page(project) + "import/").status_code == 404
    # Their own organisation's address with our project's id: still 404.
    assert client.get(f"/o/other/csv/tasks/{project.pk}/export.csv").status_code == 404
    # Our planner cannot reach it through another organisation's address either.
    assert (
        browser_client(planner).get(f"/o/other/csv/tasks/{project.pk}/import/").status_code == 404
    )


def test_a_viewer_is_refused_the_import_page(
    viewer: User, make_project: Callable[..., Project], browser_client: Callable[[User], Client]
) -> None:
    assert browser_client(viewer).get(_page(make_project()) + "import/").status_code == 403


# -- API ---------------------------------------------------------------------------------------


def test_the_api_exports_previews_and_imports(
    planner: User,
    viewer: User,
    make_project: Callable[..., Project],
    api_client: Callable[[User], Client],
    row_counts: Counts,
) -> None:
    project = make_project(key="APP")
    client = api_client(planner)
    base = f"/api/v1/csv/tasks/{project.pk}"
    before = row_counts()
    response = client.post(f"{base}/preview", {"csv": BAD_TASKS}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (3, "duration"),
        (4, "predecessors"),
    ]
    response = client.post(f"{base}/import", {"csv": BAD_TASKS}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "task.import_invalid"
    assert len(response.json()["errors"]) == 2
    assert row_counts() == before
    response = client.post(f"{base}/import", {"csv": TASKS}, content_type="application/json")
    assert response.status_code == 201
    assert response.json() == {"created": 3, "summary": "3 tasks, 2 links and 0 assignments"}
    response = client.get(base)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "2,2,Build,5d" in response.content.decode()
    viewing = api_client(viewer)
    assert viewing.get(base).status_code == 200
    refused = viewing.post(f"{base}/import", {"csv": TASKS}, content_type="application/json")
    assert refused.status_code == 403


def test_the_api_answers_404_for_another_organisations_rows(
    outsider: User,
    make_project: Callable[..., Project],
    wau: Metric,
    api_client: Callable[[User], Client],
) -> None:
    client = api_client(outsider)
    project = make_project()
    assert client.get(f"/api/v1/csv/tasks/{project.pk}").status_code == 404
    assert client.get(f"/api/v1/csv/roadmap/{wau.product_id}").status_code == 404
    assert client.get(f"/api/v1/csv/measurements/{wau.pk}").status_code == 404
    body = {"csv": "at,value\n2026-01-01,1\n"}
    response = client.post(
        f"/api/v1/csv/measurements/{wau.pk}/import", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert Measurement.objects.count() == 0
