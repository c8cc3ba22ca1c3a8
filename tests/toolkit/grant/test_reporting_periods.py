"""Closing a reporting period: its report is frozen, never recomputed, and closed only once."""

import csv
import io

import pytest

from cities.models import Membership
from tests.factories import make_city, make_coordinator, make_grant_staff, make_user
from tests.toolkit.grant.spread import approved, at, download, held
from toolkit.models import ReportingPeriod

pytestmark = pytest.mark.django_db

CLOSE = "/metrics/periods/close/"


def close(client, start="2025-01-01", end="2025-03-31"):
    return client.post(CLOSE, {"start": start, "end": end})


def report_files(client, period):
    return (
        client.get(f"/metrics/periods/{period.pk}/report.csv").content,
        client.get(f"/metrics/periods/{period.pk}/report.pdf").content,
    )


def test_a_closed_periods_report_is_the_same_bytes_after_new_cities_downloads_and_round_tables(
    client,
    spread,
):
    client.force_login(make_coordinator())
    response = close(client)
    period = ReportingPeriod.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/metrics/periods/{period.pk}/"
    csv_before, pdf_before = report_files(client, period)
    page_before = client.get(f"/metrics/periods/{period.pk}/").content.decode()
    assert pdf_before.startswith(b"%PDF-")
    assert "Arcadia Test" in csv_before.decode("utf-8-sig")

    # Later: a city counts from within the period, downloads and a round table are backdated.
    approved(make_city(name="Latecomer Test"), at("2025-03-15"), name="Late Comer")
    download("new", at("2025-03-20"))
    held("2025-03-21", attended=3, title="Backdated round table")
    live = client.get("/metrics/?start=2025-01-01&end=2025-03-31").content.decode()
    assert "<strong>3</strong> of" in live  # the live figures moved

    grant_staff = make_grant_staff()
    client.force_login(grant_staff)
    assert report_files(client, period) == (csv_before, pdf_before)
    page_after = client.get(f"/metrics/periods/{period.pk}/").content.decode()
    assert "Latecomer Test" not in page_after
    assert "Backdated round table" not in page_after
    measures = page_after.split('id="report-measures"', 1)[1].split("</table>", 1)[0]
    assert measures == page_before.split('id="report-measures"', 1)[1].split("</table>", 1)[0]


def test_the_report_gives_the_figures_definitions_and_records_of_the_period(client, spread):
    coordinator = make_coordinator(name="Cora Ordinator")
    client.force_login(coordinator)
    close(client)
    period = ReportingPeriod.objects.get()
    text = bytes(period.report_csv).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    comments = [line[0] for line in lines if line and line[0].startswith("#")]
    measures = {line[0]: line[1] for line in lines if len(line) == 4}

    assert "# Period: 2025-01-01 to 2025-03-31" in comments
    assert any(c.startswith("# Closed at 2") and c.endswith("by Cora Ordinator") for c in comments)
    assert any(c.startswith("# Toolkit downloads: Downloads of") for c in comments)
    assert measures["Participating cities"] == "2"
    assert measures["Toolkit downloads"] == "3"
    assert measures["Round tables held"] == "1"
    assert "# Cities counted as participating" in comments
    assert [line[1] for line in lines if "Winter" in ",".join(line)] == ["Winter round table"]
    assert period.closed_by == coordinator
    assert period.snapshot["measures"][0]["definition"].startswith("Cities of Los Angeles")


def test_closing_the_same_period_twice_is_refused_next_to_the_field(client, spread):
    client.force_login(make_coordinator())
    close(client)
    first = ReportingPeriod.objects.get()

    response = close(client)
    html = response.content.decode()

    assert response.status_code == 400
    assert "This period was already closed on" in html
    assert html.index("This period was already closed") > html.index('name="start"') - 600
    assert "usa-error-message" in html
    assert list(ReportingPeriod.objects.all()) == [first]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-03-01", "2025-04-30", "overlaps the closed period 2025-01-01 to 2025-03-31"),
        ("2024-12-01", "2025-01-01", "overlaps the closed period 2025-01-01 to 2025-03-31"),
        ("2025-06-01", "2025-05-01", "The end of the period comes before its start."),
        ("2025-05-01", "9999-12-31", "Choose a period of ten years at most."),
        ("2025-05-01", "not-a-date", "Enter a valid date."),
        ("2025-05-01", "2999-01-01", "Choose a period of ten years at most."),
        ("1990-01-01", "1990-06-30", "there are no figures before it"),
    ],
)
def test_an_overlapping_or_invalid_period_gets_a_clear_message_and_closes_nothing(
    client, start, end, message
):
    client.force_login(make_coordinator())
    close(client)
    response = close(client, start, end)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportingPeriod.objects.count() == 1


def test_a_period_that_is_not_over_cannot_be_closed(client):
    from django.utils import timezone

    client.force_login(make_coordinator())
    today = timezone.localdate()
    response = close(client, start=today.replace(day=1).isoformat(), end=today.isoformat())

    assert response.status_code == 400
    assert "A period can be closed once it is over" in response.content.decode()
    assert not ReportingPeriod.objects.exists()


def test_only_coordinators_close_periods_and_grant_staff_read_the_reports(client, spread):
    grant_staff = make_grant_staff()
    client.force_login(grant_staff)
    assert close(client).status_code == 403
    assert not ReportingPeriod.objects.exists()

    member = make_user()
    Membership.objects.create(user=member, city=make_city(), status=Membership.Status.APPROVED)
    client.force_login(member)
    assert close(client).status_code == 403

    client.force_login(make_coordinator())
    close(client)
    period = ReportingPeriod.objects.get()
    client.force_login(grant_staff)
    assert client.get(f"/metrics/periods/{period.pk}/").status_code == 200
    assert client.get(f"/metrics/periods/{period.pk}/report.pdf").status_code == 200
    client.force_login(member)
    assert client.get(f"/metrics/periods/{period.pk}/").status_code == 403
    assert client.get(f"/metrics/periods/{period.pk}/report.csv").status_code == 403


def test_the_dashboard_lists_a_closed_period_at_once(client, spread):
    grant_staff = make_grant_staff()
    client.force_login(grant_staff)
    assert "No reporting period has been closed yet." in client.get("/metrics/").content.decode()

    client.force_login(make_coordinator())
    close(client)
    period = ReportingPeriod.objects.get()
    client.force_login(grant_staff)
    html = client.get("/metrics/").content.decode()

    assert f'href="/metrics/periods/{period.pk}/"' in html
    assert "Close a reporting period" not in html


def test_an_unknown_report_or_file_is_not_found(client):
    client.force_login(make_grant_staff())
    assert client.get("/metrics/periods/999/").status_code == 404
    assert client.get("/metrics/periods/999/report.pdf").status_code == 404
