"""Finance pages through Django's test client, signed in with CSRF checks enforced: the Costs,
Forecast and Time tabs for each role, forms that change data through the services, the CSV
import's preview and confirmation, my timesheet, dated rates on the resources page; other
organisations' ids answer 404 and viewers cannot post."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.finance import services
from tandem.finance.models import CostRate, EvmSnapshot, Expense, ProjectForecast, TimeEntry
from tandem.finance.queries import today_in
from tandem.projects.models import Project
from tests.conftest import owner_of
from tests.finance.conftest import RATE, Costed
from tests.projects.conftest import send, url

MakeClient = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def page(client: Client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def chart_data(html: str, element_id: str) -> dict[str, object]:
    """The JSON a chart draws, read from its json_script element."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert found, f"no {element_id} on the page"
    return json.loads(found.group(1))


def book(costed: Costed, person: User, days: int = 1, minutes: int = 120) -> TimeEntry:
    """Time of ``person`` on Build, ``days`` after the project's start."""
    return services.record_time(
        owner_of(costed.project.organisation),
        costed.build.pk,
        worked_on=costed.start + timedelta(days=days),
        minutes=minutes,
        person_id=person.pk,
    )


@pytest.fixture
def foreign(
    make_organisation: Callable[..., Organisation], make_costed: Callable[..., Costed]
) -> Costed:
    """A costed project of another organisation."""
    return make_costed(make_organisation(slug="globex"))


# -- the tabs for each role -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["planner", "developer", "viewer"])
@pytest.mark.parametrize("tab", ["costs/", "forecast/", "time/"])
def test_every_role_sees_the_finance_tabs(
    costed: Costed, browser_client: MakeClient, who: str, tab: str
) -> None:
    html = page(browser_client(getattr(costed, who)), url(costed.project, tab))
    for label in ("Costs", "Forecast", "Time"):
        assert f">{label}</a>" in html
    assert 'aria-current="page"' in html


def test_the_costs_tab_shows_the_figures_with_hints_and_the_chart_data(
    costed: Costed, browser_client: MakeClient
) -> None:
    book(costed, costed.developer, minutes=480)
    html = page(browser_client(costed.viewer), url(costed.project, "costs/"))
    for figure in (
        "bac",
        "pv",
        "ev",
        "ac",
        "sv",
        "cv",
        "spi",
        "cpi",
        "eac_cpi",
        "eac_cpi_spi",
        "eac_bottom_up",
        "etc",
        "vac",
        "tcpi",
        "earned_schedule",
        "spi_t",
        "planned_finish",
        "forecast_finish",
    ):
        assert f'data-figure="{figure}"' in html
    # Two tasks of 40 hours at 60.00: the baseline's budget.
    assert "EUR 4,800.00" in html
    assert "Budget at completion" in html
    curve = chart_data(html, "s-curve-data")
    assert curve["currency"] == "EUR" and curve["bac"] == 4800.0
    assert curve["planned"][-1][1] == 4800.0  # type: ignore[index]
    assert curve["actual"][-1][1] == 4 * RATE * 2 / 100  # type: ignore[index]
    assert "Approved" in html  # the baseline measured against


def test_the_costs_tab_shows_the_baselines_dates_from_the_first_working_day(
    costed: Costed, browser_client: MakeClient
) -> None:
    html = page(browser_client(costed.viewer), url(costed.project, "costs/"))
    # Build and Test take five working days each from the Monday the project starts.
    finish = costed.start + timedelta(days=11)
    assert f"({costed.start:%-d %b %Y} → {finish:%-d %b %Y})" in html


def test_costs_cards_colour_a_cost_overrun_bad(costed: Costed, browser_client: MakeClient) -> None:
    book(costed, costed.developer, minutes=600)  # 10 hours spent, nothing earned yet
    html = page(browser_client(costed.planner), url(costed.project, "costs/"))
    assert re.search(r'class="figure tone-bad" data-figure="cv"', html)


def test_the_status_date_moves_the_measurement(costed: Costed, browser_client: MakeClient) -> None:
    day = costed.start + timedelta(days=3)
    html = page(browser_client(costed.viewer), url(costed.project, f"costs/?as_of={day}"))
    assert f"As of <strong>{day:%-d %b %Y}</strong>" in html
    assert chart_data(html, "s-curve-data")["as_of"] == int(
        (day - date(1970, 1, 1)).total_seconds() * 1000
    )


def test_an_unknown_baseline_choice_falls_back_to_the_latest(
    costed: Costed, foreign: Costed, browser_client: MakeClient
) -> None:
    other = foreign.project.baselines.get()
    html = page(browser_client(costed.viewer), url(costed.project, f"costs/?baseline={other.pk}"))
    assert "against the baseline <strong>Approved</strong>" in html


def test_the_trend_chart_needs_two_snapshots(costed: Costed, browser_client: MakeClient) -> None:
    client = browser_client(costed.planner)
    assert "evm-trend-data" not in page(client, url(costed.project, "costs/"))
    for days in (2, 9):
        services.take_snapshot(
            costed.planner, costed.project.pk, status_date=costed.start + timedelta(days=days)
        )
    trend = chart_data(page(client, url(costed.project, "costs/")), "evm-trend-data")
    assert set(trend) == {"spi", "cpi", "spi_t"}
    assert len(trend["spi"]) == 2  # type: ignore[arg-type]


def test_another_organisations_project_is_404_on_every_finance_tab(
    costed: Costed, foreign: Costed, browser_client: MakeClient
) -> None:
    client = browser_client(costed.planner)
    for tab in ("costs/", "forecast/", "time/"):
        # Through the foreign organisation's address and through one's own.
        assert client.get(url(foreign.project, tab)).status_code == 404
        own = f"/o/{costed.project.organisation.slug}/projects/{foreign.project.pk}/{tab}"
        assert client.get(own).status_code == 404


# -- snapshots and expenses -------------------------------------------------------------------


def test_a_planner_takes_a_snapshot_of_the_chosen_status_date(
    costed: Costed, browser_client: MakeClient
) -> None:
    day = costed.start + timedelta(days=4)
    costs = url(costed.project, "costs/")
    response = send(
        browser_client(costed.planner),
        costs,
        url(costed.project, "costs/snapshot"),
        {"status_date": day.isoformat()},
    )
    assert response.status_code == 302
    assert list(EvmSnapshot.objects.values_list("status_date", flat=True)) == [day]


def test_a_viewer_cannot_take_a_snapshot(costed: Costed, browser_client: MakeClient) -> None:
    costs = url(costed.project, "costs/")
    response = send(browser_client(costed.viewer), costs, url(costed.project, "costs/snapshot"), {})
    assert response.status_code == 403
    assert not EvmSnapshot.objects.exists()


def test_a_planner_records_an_expense_in_the_currency(
    costed: Costed, browser_client: MakeClient
) -> None:
    costs = url(costed.project, "costs/")
    response = send(
        browser_client(costed.planner),
        costs,
        url(costed.project, "costs/expenses"),
        {
            "incurred_on": costed.start.isoformat(),
            "amount": "1299.50",
            "category": "software",
            "description": "Design tool licences",
            "task": str(costed.build.pk),
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.amount, expense.category, expense.task_id) == (
        129950,
        "software",
        costed.build.pk,
    )
    assert "Design tool licences" in page(browser_client(costed.viewer), costs)


def test_a_bad_expense_shows_the_form_again_and_records_nothing(
    costed: Costed, browser_client: MakeClient
) -> None:
    costs = url(costed.project, "costs/")
    response = send(
        browser_client(costed.planner),
        costs,
        url(costed.project, "costs/expenses"),
        {
            "incurred_on": costed.start.isoformat(),
            "amount": "",
            "category": "software",
            "description": "No amount",
        },
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Expense.objects.exists()


def test_members_and_viewers_cannot_record_or_remove_expenses(
    costed: Costed, browser_client: MakeClient
) -> None:
    expense = services.record_expense(
        costed.planner, costed.project.pk, incurred_on=costed.start, amount=500, description="Taxi"
    )
    costs = url(costed.project, "costs/")
    for who in (costed.developer, costed.viewer):
        client = browser_client(who)
        assert "Add an expense" not in page(client, costs)
        added = send(
            client,
            costs,
            url(costed.project, "costs/expenses"),
            {
                "incurred_on": costed.start.isoformat(),
                "amount": "5",
                "category": "other",
                "description": "Lunch",
            },
        )
        removed = send(
            client, costs, url(costed.project, f"costs/expenses/{expense.pk}/delete"), {}
        )
        assert (added.status_code, removed.status_code) == (403, 403)
    assert list(Expense.objects.values_list("description", flat=True)) == ["Taxi"]


def test_a_planner_removes_an_expense_but_not_another_organisations(
    costed: Costed, foreign: Costed, browser_client: MakeClient
) -> None:
    mine = services.record_expense(
        costed.planner, costed.project.pk, incurred_on=costed.start, amount=500, description="Taxi"
    )
    theirs = services.record_expense(
        foreign.planner,
        foreign.project.pk,
        incurred_on=foreign.start,
        amount=700,
        description="Hotel",
    )
    client = browser_client(costed.planner)
    costs = url(costed.project, "costs/")
    stranger = send(client, costs, url(costed.project, f"costs/expenses/{theirs.pk}/delete"), {})
    assert stranger.status_code == 404
    assert (
        send(client, costs, url(costed.project, f"costs/expenses/{mine.pk}/delete"), {}).status_code
        == 302
    )
    assert list(Expense.objects.values_list("description", flat=True)) == ["Hotel"]


# -- forecast ---------------------------------------------------------------------------------


def test_the_forecast_tab_shows_the_distribution_with_its_percentiles(
    costed: Costed, browser_client: MakeClient
) -> None:
    html = page(browser_client(costed.viewer), url(costed.project, "forecast/"))
    histogram = chart_data(html, "finish-histogram-data")
    assert sum(histogram["count"]) == 10_000  # type: ignore[arg-type]
    kinds = [m["kind"] for m in histogram["markers"]]  # type: ignore[union-attr]
    assert kinds[:4] == ["p50", "p80", "p95", "plan"]
    assert "P80 finish" in html and "Milestones and deadlines" in html
    assert "Done" in html  # the milestone


def test_a_forecast_run_through_htmx_returns_the_new_results(
    costed: Costed, browser_client: MakeClient
) -> None:
    client = browser_client(costed.developer)
    response = send(
        client,
        url(costed.project, "forecast/"),
        url(costed.project, "forecast/run"),
        {"iterations": "500", "seed": "7"},
        **{"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="forecast-body"') and "<html" not in html
    assert sum(chart_data(html, "finish-histogram-data")["count"]) == 500  # type: ignore[arg-type]
    stored = ProjectForecast.objects.get(project=costed.project)
    assert (stored.iterations, stored.seed) == (500, 7)


def test_a_forecast_run_without_htmx_goes_back_to_the_tab(
    costed: Costed, browser_client: MakeClient
) -> None:
    response = send(
        browser_client(costed.planner),
        url(costed.project, "forecast/"),
        url(costed.project, "forecast/run"),
        {"iterations": "300", "seed": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/forecast/")
    assert ProjectForecast.objects.get(project=costed.project).iterations == 300


def test_too_few_iterations_are_refused_on_the_form(
    costed: Costed, browser_client: MakeClient
) -> None:
    response = send(
        browser_client(costed.planner),
        url(costed.project, "forecast/"),
        url(costed.project, "forecast/run"),
        {"iterations": "5", "seed": "0"},
        **{"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "greater than or equal to 100" in response.content.decode()


# -- time -------------------------------------------------------------------------------------


def test_a_member_records_their_own_time_without_seeing_costs(
    costed: Costed, browser_client: MakeClient
) -> None:
    client = browser_client(costed.developer)
    time = url(costed.project, "time/")
    html = page(client, time)
    record = html.split('id="record-time"')[1].split("</section>")[0]
    assert 'name="person"' not in record and ">Cost</th>" not in html
    day = costed.start + timedelta(days=1)
    response = send(
        client,
        time,
        time,
        {
            "task": str(costed.build.pk),
            "worked_on": day.isoformat(),
            "hours": "1.5",
            "note": "Pairing",
        },
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.person, entry.minutes, entry.cost) == (costed.developer, 90, 90 * RATE // 60)
    html = page(client, time)
    assert "Pairing" in html and "EUR 90.00" not in html


def test_a_planner_books_a_members_time_and_sees_its_cost(
    costed: Costed, browser_client: MakeClient
) -> None:
    client = browser_client(costed.planner)
    time = url(costed.project, "time/")
    response = send(
        client,
        time,
        time,
        {
            "task": str(costed.test.pk),
            "worked_on": costed.start.isoformat(),
            "hours": "2",
            "person": str(costed.developer.pk),
        },
    )
    assert response.status_code == 302
    assert TimeEntry.objects.get().person == costed.developer
    html = page(client, time)
    assert ">Cost</th>" in html and "EUR 120.00" in html


def test_time_in_the_future_is_refused_on_the_form(
    costed: Costed, browser_client: MakeClient
) -> None:
    client = browser_client(costed.developer)
    time = url(costed.project, "time/")
    tomorrow = today_in(costed.project) + timedelta(days=1)
    response = send(
        client,
        time,
        time,
        {"task": str(costed.build.pk), "worked_on": tomorrow.isoformat(), "hours": "1"},
    )
    assert response.status_code == 422
    assert "is in the future" in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_a_viewer_cannot_record_time(costed: Costed, browser_client: MakeClient) -> None:
    client = browser_client(costed.viewer)
    time = url(costed.project, "time/")
    assert "Record time" not in page(client, time)
    response = send(
        client,
        time,
        time,
        {"task": str(costed.build.pk), "worked_on": costed.start.isoformat(), "hours": "1"},
    )
    assert response.status_code == 403
    assert not TimeEntry.objects.exists()


def test_time_entries_filter_by_person_and_dates(
    costed: Costed, browser_client: MakeClient
) -> None:
    book(costed, costed.developer, days=1, minutes=60)
    book(costed, costed.developer, days=8, minutes=120)
    book(costed, costed.planner, days=1, minutes=180)
    client = browser_client(costed.viewer)
    base = url(costed.project, "time/")
    html = page(client, f"{base}?person={costed.developer.pk}")
    assert "<strong>2</strong> entries" in html and "<strong>3 h</strong>" in html
    since = (costed.start + timedelta(days=2)).isoformat()
    html = page(client, f"{base}?since={since}")
    assert "<strong>1</strong> entry" in html and "<strong>2 h</strong>" in html


def test_members_edit_and_remove_only_their_own_entries(
    costed: Costed, browser_client: MakeClient
) -> None:
    own = book(costed, costed.developer)
    other = book(costed, costed.planner)
    client = browser_client(costed.developer)
    time = url(costed.project, "time/")
    edit = url(costed.project, f"time/{own.pk}/")
    response = send(
        client,
        edit,
        edit,
        {
            "task": str(costed.test.pk),
            "worked_on": own.worked_on.isoformat(),
            "hours": "3",
            "note": "moved",
            "version": str(own.version),
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.task_id, own.minutes, own.note) == (costed.test.pk, 180, "moved")
    theirs = url(costed.project, f"time/{other.pk}/")
    response = send(
        client,
        time,
        theirs,
        {
            "task": str(costed.test.pk),
            "worked_on": other.worked_on.isoformat(),
            "hours": "9",
            "version": str(other.version),
        },
    )
    assert response.status_code == 403
    assert send(client, time, theirs + "delete", {}).status_code == 403
    assert send(client, time, url(costed.project, f"time/{own.pk}/delete"), {}).status_code == 302
    assert list(TimeEntry.objects.values_list("pk", flat=True)) == [other.pk]
    other.refresh_from_db()
    assert other.minutes == 120


def test_a_stale_edit_is_refused_and_changes_nothing(
    costed: Costed, browser_client: MakeClient
) -> None:
    entry = book(costed, costed.developer)
    edit = url(costed.project, f"time/{entry.pk}/")
    response = send(
        browser_client(costed.developer),
        edit,
        edit,
        {
            "task": str(costed.build.pk),
            "worked_on": entry.worked_on.isoformat(),
            "hours": "5",
            "version": str(entry.version - 1 if entry.version > 1 else entry.version + 1),
        },
    )
    assert response.status_code == 412
    entry.refresh_from_db()
    assert entry.minutes == 120


def test_time_entries_of_another_project_are_404(
    costed: Costed, foreign: Costed, browser_client: MakeClient
) -> None:
    theirs = book(foreign, foreign.developer)
    client = browser_client(costed.planner)
    time = url(costed.project, "time/")
    assert client.get(url(costed.project, f"time/{theirs.pk}/")).status_code == 404
    assert (
        send(client, time, url(costed.project, f"time/{theirs.pk}/delete"), {}).status_code == 404
    )
    assert TimeEntry.objects.filter(pk=theirs.pk).exists()


# -- CSV import -------------------------------------------------------------------------------


def _sheet(*rows: str) -> str:
    return "\n".join(["date,person,task,hours,note", *rows]) + "\n"


def test_an_import_previews_every_row_then_saves_them_on_confirmation(
    costed: Costed, browser_client: MakeClient
) -> None:
    day = costed.start.isoformat()
    text = _sheet(f"{day},{costed.developer.email},1,1.5,a", f"{day},,Test,1:30,b")
    client = browser_client(costed.planner)
    time = url(costed.project, "time/")
    upload = SimpleUploadedFile("week.csv", text.encode(), content_type="text/csv")
    response = send(client, time, url(costed.project, "time/import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 rows read" in html and "Import 2 entries" in html
    assert not TimeEntry.objects.exists()  # a preview writes nothing
    response = send(client, time, url(costed.project, "time/import/confirm"), {"text": text})
    assert response.status_code == 302
    assert sorted(TimeEntry.objects.values_list("person__email", "minutes")) == sorted(
        [(costed.developer.email, 90), (costed.planner.email, 90)]
    )


def test_an_import_preview_lists_each_bad_row_with_its_column(
    costed: Costed, browser_client: MakeClient
) -> None:
    day = costed.start.isoformat()
    text = _sheet(f"{day},,1,1,ok", "someday,,1,1,x", f"{day},,9.9,1,x", f"{day},nobody@x.io,1,1,x")
    response = send(
        browser_client(costed.planner),
        url(costed.project, "time/"),
        url(costed.project, "time/import"),
        {"text": text},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "3 rows cannot be imported" in html
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>(\w+)</td><td>', html)
    assert rows == [("3", "date"), ("4", "task"), ("5", "person")]
    assert "Import 1" not in html  # nothing to confirm while any row is bad


def test_a_confirmed_import_breaking_a_rule_saves_nothing_and_names_the_row(
    costed: Costed, browser_client: MakeClient
) -> None:
    future = (today_in(costed.project) + timedelta(days=3)).isoformat()
    text = _sheet(f"{costed.start.isoformat()},,1,2,ok", f"{future},,1,2,later")
    response = send(
        browser_client(costed.developer),
        url(costed.project, "time/"),
        url(costed.project, "time/import/confirm"),
        {"text": text},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "is in the future" in html and '<td class="num">3</td>' in html
    assert not TimeEntry.objects.exists()


def test_an_empty_import_asks_for_a_file(costed: Costed, browser_client: MakeClient) -> None:
    response = send(
        browser_client(costed.developer),
        url(costed.project, "time/"),
        url(costed.project, "time/import"),
        {"text": "  "},
    )
    assert response.status_code == 422
    assert "Choose a CSV file or paste its rows." in response.content.decode()


# -- my timesheet -----------------------------------------------------------------------------


def test_my_timesheet_shows_the_week_by_task_and_day_and_records_time(
    costed: Costed, browser_client: MakeClient
) -> None:
    monday = costed.start + timedelta(weeks=1)
    book(costed, costed.developer, days=7, minutes=90)
    book(costed, costed.developer, days=9, minutes=30)
    book(costed, costed.developer, days=1, minutes=600)  # the week before
    client = browser_client(costed.developer)
    sheet = f"/o/{costed.project.organisation.slug}/timesheet/"
    html = page(client, f"{sheet}?week={monday + timedelta(days=3)}")
    assert f"week of {monday:%-d %b %Y}" in html
    assert "Build" in html and "<strong>2</strong>" in html  # 1.5 h + 0.5 h on Build
    assert "10" not in re.sub(r"<[^>]*>", " ", html.split('id="timesheet"')[1].split("</table>")[0])
    day = monday + timedelta(days=1)
    response = send(
        client,
        sheet,
        f"{sheet}?week={monday}",
        {"task": str(costed.test.pk), "worked_on": day.isoformat(), "hours": "4"},
    )
    assert response.status_code == 302
    assert TimeEntry.objects.filter(task=costed.test, person=costed.developer, minutes=240).exists()


def test_my_timesheet_is_linked_for_those_who_record_time_only(
    costed: Costed, browser_client: MakeClient
) -> None:
    overview = url(costed.project)
    assert "My timesheet" in page(browser_client(costed.developer), overview)
    assert "My timesheet" not in page(browser_client(costed.viewer), overview)
    assert (
        browser_client(costed.viewer)
        .get(f"/o/{costed.project.organisation.slug}/timesheet/")
        .status_code
        == 403
    )


# -- rates on the resources page --------------------------------------------------------------


def test_planners_add_and_remove_dated_rates_on_the_resources_page(
    costed: Costed, browser_client: MakeClient
) -> None:
    slug = costed.project.organisation.slug
    resources = f"/o/{slug}/resources/"
    client = browser_client(costed.planner)
    assert "Cost rates" in page(client, resources)
    response = send(
        client,
        resources,
        f"/o/{slug}/resources/{costed.resource.pk}/rates",
        {"effective_from": "2027-01-01", "rate": "75.50"},
    )
    assert response.status_code == 302
    rate = CostRate.objects.get()
    assert (rate.effective_from, rate.rate) == (date(2027, 1, 1), 7550)
    assert "EUR 75.50" in page(client, resources)
    delete = f"/o/{slug}/resources/{costed.resource.pk}/rates/{rate.pk}/delete"
    assert send(client, resources, delete, {}).status_code == 302
    assert not CostRate.objects.exists()


def test_rates_are_hidden_from_members_and_viewers_who_cannot_set_them(
    costed: Costed, browser_client: MakeClient
) -> None:
    services.set_cost_rate(
        costed.planner, costed.resource.pk, effective_from="2027-01-01", rate=8000
    )
    slug = costed.project.organisation.slug
    resources = f"/o/{slug}/resources/"
    for who in (costed.developer, costed.viewer):
        client = browser_client(who)
        html = page(client, resources)
        assert "Cost rates" not in html and "EUR 80.00" not in html
        added = send(
            client,
            resources,
            f"/o/{slug}/resources/{costed.resource.pk}/rates",
            {"effective_from": "2027-02-01", "rate": "1"},
        )
        assert added.status_code == 403
    assert CostRate.objects.count() == 1


def test_another_organisations_resource_rates_are_404(
    costed: Costed, foreign: Costed, browser_client: MakeClient
) -> None:
    slug = costed.project.organisation.slug
    resources = f"/o/{slug}/resources/"
    theirs = services.set_cost_rate(
        owner_of(foreign.project.organisation),
        foreign.resource.pk,
        effective_from="2027-01-01",
        rate=1,
    )
    client = browser_client(costed.planner)
    added = send(
        client,
        resources,
        f"/o/{slug}/resources/{foreign.resource.pk}/rates",
        {"effective_from": "2027-02-01", "rate": "1"},
    )
    removed = send(
        client, resources, f"/o/{slug}/resources/{foreign.resource.pk}/rates/{theirs.pk}/delete", {}
    )
    assert (added.status_code, removed.status_code) == (404, 404)
    assert list(CostRate.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_an_empty_project_has_costs_and_a_forecast(
    org: Organisation, browser_client: MakeClient
) -> None:
    from tandem.projects import services as project_services

    owner = owner_of(org)
    project: Project = project_services.create_project(
        owner, org.pk, name="Empty", start=date.today() - timedelta(days=7)
    )
    client = browser_client(owner)
    for tab in ("costs/", "forecast/", "time/"):
        page(client, url(project, tab))
