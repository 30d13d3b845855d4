"""The status report: one builder whose figures are the queries' figures, laid out for the
page, valid Markdown and a real PDF, downloadable from the Report tab and made by
`tandem report` — and never for another organisation's project."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import takewhile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import markdown
import pytest
from django.test import Client
from markdown_it import MarkdownIt
from pypdf import PdfReader

from tandem.accounts.models import Organisation, User
from tandem.errors import Invalid, NotFound
from tandem.finance.forecasting import project_forecast
from tandem.finance.models import EvmSnapshot
from tandem.finance.queries import earned_value_report, today_in
from tandem.finance.report import StatusReport, build_status_report
from tandem.finance.report_layout import Figure, day_text, money_text
from tandem.finance.report_markdown import to_markdown
from tandem.finance.report_pdf import to_pdf
from tandem.projects import services as project_services
from tandem.projects import services_tasks
from tandem.projects.models import BaselineTask
from tests.conftest import owner_of
from tests.finance.conftest import Costed
from tests.finance.progress import record_progress


@pytest.fixture
def progressed(costed: Costed) -> Costed:
    return record_progress(costed)


def figure(report: StatusReport, section: str, label: str) -> Figure:
    """The headline figure ``label`` of a section."""
    part = next(s for s in report.sections if s.key == section)
    return next(f for f in part.figures if f.label == label)


def local_day(text: str, report: StatusReport) -> date:
    zone = ZoneInfo(report.project.organisation.time_zone)
    return datetime.fromisoformat(text).astimezone(zone).date()


# -- the builder ---------------------------------------------------------------------------------


def test_the_report_carries_the_figures_of_the_earned_value_and_forecast_queries(
    progressed: Costed,
) -> None:
    project = progressed.project
    report = build_status_report(progressed.viewer, project.pk)
    value = earned_value_report(progressed.viewer, project.pk)
    forecast = project_forecast(progressed.viewer, project.pk)
    assert report.as_of == value.as_of == today_in(project)
    assert report.earned_value.figures == value.figures
    assert report.schedule.p50 == local_day(forecast["finish"]["p50"], report)
    assert report.schedule.p80 == local_day(forecast["finish"]["p80"], report)
    assert report.schedule.p95 == local_day(forecast["finish"]["p95"], report)
    assert report.schedule.deadline_probability == forecast["deadlines"]["project"]
    assert (report.cost.p50, report.cost.p80) == (forecast["cost"]["p50"], forecast["cost"]["p80"])
    assert report.schedule.baseline_name == "Approved"
    # The text every writer shows is the same number, formatted once.
    f = value.figures
    assert f.cpi is not None and f.cpi < 1  # ten-hour days on five-day work
    assert figure(report, "earned_value", "CPI").value == f"{f.cpi:.2f}"
    assert figure(report, "earned_value", "CPI").tone == "bad"
    assert figure(report, "earned_value", "EV").value == money_text(f.ev, "EUR")
    assert figure(report, "schedule", "Forecast finish (P80)").value == day_text(
        report.schedule.p80
    )


def test_the_trend_is_the_kept_snapshots_then_the_status_date(progressed: Costed) -> None:
    report = build_status_report(progressed.planner, progressed.project.pk)
    kept = list(EvmSnapshot.objects.filter(project=progressed.project).order_by("status_date"))
    assert [p.status_date for p in report.trend] == [
        *(s.status_date for s in kept),
        report.as_of,
    ]
    for point, snapshot in zip(report.trend, kept, strict=False):
        assert (point.ev, point.ac, point.spi) == (
            snapshot.figures["ev"],
            snapshot.figures["ac"],
            snapshot.figures["spi"],
        )
    last = report.trend[-1]
    assert (last.ev, last.cpi) == (report.earned_value.figures.ev, report.earned_value.figures.cpi)


def test_a_past_status_date_reports_that_day_and_only_the_snapshots_before_it(
    progressed: Costed,
) -> None:
    day = progressed.start + timedelta(days=7)
    report = build_status_report(progressed.planner, progressed.project.pk, as_of=day.isoformat())
    value = earned_value_report(progressed.planner, progressed.project.pk, as_of=day)
    assert report.as_of == day
    assert report.earned_value.figures == value.figures
    assert [p.status_date for p in report.trend] == [progressed.start + timedelta(days=4), day]
    assert day_text(day) in report.subtitle


def test_milestones_show_baseline_schedule_and_forecast_dates(progressed: Costed) -> None:
    report = build_status_report(progressed.planner, progressed.project.pk)
    forecast = project_forecast(progressed.planner, progressed.project.pk)
    done = progressed.done
    done.refresh_from_db()
    baseline = BaselineTask.objects.get(task=done)
    zone = ZoneInfo(progressed.project.organisation.time_zone)
    (milestone,) = report.milestones
    assert milestone.name == "Done"
    assert milestone.baseline == baseline.finish.astimezone(zone).date()  # type: ignore[union-attr]
    assert milestone.current == done.finish.astimezone(zone).date()  # type: ignore[union-attr]
    simulated = forecast["milestones"][str(done.pk)]
    assert milestone.p50 == local_day(simulated["p50"], report)
    assert milestone.p80 == local_day(simulated["p80"], report)
    deadline = next(d for d in report.deadlines if d.name == "Project finish")
    assert deadline.deadline == progressed.project.deadline
    assert deadline.probability == forecast["deadlines"]["project"]


def test_risks_name_the_index_and_the_tasks_behind_it(progressed: Costed) -> None:
    report = build_status_report(progressed.planner, progressed.project.pk)
    cpi = report.earned_value.figures.cpi
    (over,) = (r for r in report.risks if r.text.startswith(f"CPI {cpi:.2f}"))
    assert "1 task cost more than the work they earned" in over.text
    assert over.tasks[0].startswith("Build (EUR ")  # ten-hour days on the build
    drivers = [d.name for d in report.drivers]
    assert drivers[0] == "Test"  # the only task with a spread in its estimate
    chance = report.schedule.deadline_probability
    assert chance is not None
    if chance < 0.8:
        deadline = next(r for r in report.risks if r.kind == "deadline")
        assert f"{chance:.0%} chance" in deadline.text and deadline.tasks == ["Test"]


def test_a_project_without_tasks_reports_no_forecast(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    planner = make_member(org, role="project_manager")
    empty = project_services.create_project(
        planner, org.pk, name="Empty", start=date.today() - timedelta(days=3)
    )
    report = build_status_report(planner, empty.pk)
    assert report.forecast is None and report.milestones == [] and report.risks == []
    forecast = next(s for s in report.sections if s.key == "forecast")
    assert forecast.notes == ["No tasks to forecast yet."]
    assert to_markdown(report).startswith("# Status report: Empty\n")


@pytest.mark.parametrize("as_of", ["next tuesday", "2999-01-01"])
def test_a_status_date_must_be_a_date_up_to_today(progressed: Costed, as_of: str) -> None:
    with pytest.raises(Invalid) as refusal:
        build_status_report(progressed.planner, progressed.project.pk, as_of=as_of)
    assert refusal.value.field == "as_of"


def test_another_organisations_project_has_no_report(
    progressed: Costed, make_organisation: Callable[..., Organisation]
) -> None:
    outsider = owner_of(make_organisation())
    with pytest.raises(NotFound):
        build_status_report(outsider, progressed.project.pk)


# -- Markdown and PDF ----------------------------------------------------------------------------


def test_the_markdown_is_valid_with_a_header_separator_under_every_table(
    progressed: Costed,
) -> None:
    report = build_status_report(progressed.planner, progressed.project.pk)
    text = to_markdown(report)
    assert text.startswith("# Status report: Costed\n")
    lines = text.splitlines()
    tables = 0
    for n, line in enumerate(lines):
        if line.startswith("|") and not lines[n - 1].startswith("|"):
            tables += 1
            columns = line.count(" | ") + 1
            assert re.fullmatch(r"\| -{3}:?( \| -{3}:?)* \|", lines[n + 1]), lines[n + 1]
            rows = list(takewhile(lambda row: row.startswith("|"), lines[n:]))
            assert len(rows) > 2  # a header, its separator, at least one row
            assert all(row.replace("\\|", "").count(" | ") + 1 == columns for row in rows)
    filled = sum(1 for s in report.sections for t in s.tables if t.rows)
    assert tables == filled
    assert markdown.markdown(text, extensions=["tables"]).count("<table>") == filled
    assert MarkdownIt("commonmark").enable("table").render(text).count("<table>") == filled
    cpi = report.earned_value.figures.cpi
    assert f"**CPI:** {cpi:.2f}" in text


def test_markdown_shows_names_literally(progressed: Costed) -> None:
    owner = owner_of(progressed.project.organisation)
    services_tasks.update_task(
        owner, progressed.done.pk, version=progressed.done.version, name="Ship | *now* <b>"
    )
    text = to_markdown(build_status_report(progressed.planner, progressed.project.pk))
    assert "Ship \\| \\*now\\* &lt;b>" in text
    for html in (
        markdown.markdown(text, extensions=["tables"]),
        MarkdownIt("commonmark").enable("table").render(text),
    ):
        assert "<td>Ship | *now* &lt;b&gt;</td>" in html
        assert "<b>" not in html


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_is_a_real_pdf_with_the_name_the_p80_and_the_cpi(progressed: Costed) -> None:
    report = build_status_report(progressed.planner, progressed.project.pk)
    text = pdf_text(to_pdf(report))
    cpi = report.earned_value.figures.cpi
    assert "Status report: Costed" in text
    assert day_text(report.schedule.p80) in text
    assert "CPI" in text and f"{cpi:.2f}" in text
    assert "S-curve (EUR)" in text and "SPI and CPI by status date" in text


def test_without_its_font_the_pdf_falls_back_to_the_built_in_one(
    progressed: Costed, tmp_path: Path
) -> None:
    report = build_status_report(progressed.planner, progressed.project.pk)
    text = pdf_text(to_pdf(report, font_dir=tmp_path))  # an empty folder: no DejaVu there
    assert "Status report: Costed" in text and day_text(report.schedule.p80) in text


# -- the Report tab ------------------------------------------------------------------------------


def page(project: Any, rest: str = "report/") -> str:
    return f"/o/{project.organisation.slug}/projects/{project.pk}/{rest}"


def test_the_report_tab_shows_every_section_with_its_charts(
    progressed: Costed, browser_client: Callable[[User], Client]
) -> None:
    response = browser_client(progressed.viewer).get(page(progressed.project))
    assert response.status_code == 200
    html = response.content.decode()
    report = response.context["report"]
    for section in report.sections:
        assert f'id="{section.key}"' in html
    assert html.count('<svg class="report-chart"') == 2
    assert 'class="tab active" aria-current="page">Report<' in html
    assert f"report.pdf?as_of={report.as_of.isoformat()}" in html
    assert figure(report, "earned_value", "CPI").value in html


def test_a_refused_status_date_is_explained_beside_the_default_report(
    progressed: Costed, browser_client: Callable[[User], Client]
) -> None:
    response = browser_client(progressed.viewer).get(page(progressed.project) + "?as_of=2999-1-1")
    assert response.status_code == 422
    assert "not a date" in response.content.decode()
    assert response.context["report"].as_of == today_in(progressed.project)


def test_the_downloads_are_markdown_and_pdf_files_for_the_status_date(
    progressed: Costed, browser_client: Callable[[User], Client]
) -> None:
    client = browser_client(progressed.viewer)
    day = (progressed.start + timedelta(days=7)).isoformat()
    md = client.get(page(progressed.project, "report.md") + f"?as_of={day}")
    assert md.status_code == 200
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    key = progressed.project.key
    assert md["Content-Disposition"] == f'attachment; filename="{key}-status-{day}.md"'
    assert md.content.decode().startswith("# Status report: Costed")
    pdf = client.get(page(progressed.project, "report.pdf") + f"?as_of={day}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Status report: Costed" in pdf_text(pdf.content)
    assert client.get(page(progressed.project, "report.pdf") + "?as_of=soon").status_code == 422


def test_another_organisations_report_pages_answer_404(
    progressed: Costed,
    make_organisation: Callable[..., Organisation],
    browser_client: Callable[[User], Client],
) -> None:
    stranger = owner_of(make_organisation())
    client = browser_client(stranger)
    project = progressed.project
    for rest in ("report/", "report.md", "report.pdf"):
        assert client.get(page(project, rest)).status_code == 404
    # Nor through the stranger's own organisation's address.
    own = stranger.memberships.get().organisation  # type: ignore[attr-defined]
    assert client.get(f"/o/{own.slug}/projects/{project.pk}/report/").status_code == 404


# -- tandem report -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data directory of its own with the demo loaded, for commands run as processes."""
    env = {**os.environ, "TANDEM_DATA_DIR": str(tmp_path_factory.mktemp("report-cli"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("TANDEM_DATABASE_URL", None)
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([sys.executable, "-m", "tandem", *args], env=env, check=True,
                       capture_output=True)  # fmt: skip
    return env


def tandem(env: dict[str, str], *args: str, cwd: Path | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "tandem", "report", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=False,
    )


def test_tandem_report_prints_markdown_for_a_status_date(demo_dir: dict[str, str]) -> None:
    done = tandem(demo_dir, "MOB", "--format", "md", "--as-of", "2026-11-13", "--org", "lumen")
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert text.startswith("# Status report: Lumen mobile app 2.0\n")
    assert "status date 13 Nov 2026" in text.splitlines()[2]
    assert "| Status date | PV | EV | AC | SPI | CPI |\n| --- | ---: |" in text


def test_tandem_report_writes_a_pdf(demo_dir: dict[str, str], tmp_path: Path) -> None:
    done = tandem(demo_dir, "mob", "--format", "pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (written,) = tmp_path.glob("MOB-status-*.pdf")
    text = pdf_text(written.read_bytes())
    assert "Lumen mobile app 2.0" in text and "CPI" in text
    chosen = tmp_path / "status.pdf"
    assert tandem(demo_dir, "MOB", "-f", "pdf", "-o", str(chosen)).returncode == 0
    assert "Lumen mobile app 2.0" in pdf_text(chosen.read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NOPE",), "No project with key or id 'NOPE'."),
        (("MOB", "--org", "nowhere"), "No organisation with slug or id 'nowhere'."),
        (("MOB", "--as-of", "2999-01-01"), "A status report looks back"),
        (("MOB", "--format", "docx"), "Invalid value for '--format'"),
    ],
)
def test_tandem_report_refuses_with_one_line_and_exit_code_2(
    demo_dir: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    done = tandem(demo_dir, *args)
    assert done.returncode == 2
    assert message in done.stderr.decode()
    assert done.stdout == b""
