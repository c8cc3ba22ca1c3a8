"""The records behind each grant figure: the pages, their CSV, and that they add up."""

import csv
import io
import re

import pytest

from tests.factories import (
    make_city,
    make_coordinator,
    make_grant_staff,
)
from tests.querycount import assert_constant_queries
from tests.toolkit.grant.spread import FIRST, SECOND, approved, at, download, held

pytestmark = pytest.mark.django_db

KINDS = {
    "participating-cities": "cities",
    "toolkit-downloads": "downloads",
    "round-tables-held": "round-tables",
}


def dashboard_figure(html: str, key: str) -> int:
    card = html.split(f'id="measure-{key}"', 1)[1]
    return int(re.search(r"<strong>(\d+)</strong> of", card).group(1))


def page_rows(html: str, kind: str) -> list[list[str]]:
    table = html.split(f'id="records-{kind}"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    lines = [line for line in csv.reader(io.StringIO(text)) if line and not line[0].startswith("#")]
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def records_figure(rows: list[dict], kind: str) -> int:
    if kind == "downloads":
        return sum(int(row["Unique downloads by people (the grant figure)"]) for row in rows)
    return len(rows)


@pytest.mark.parametrize(("period", "expected"), [(FIRST, (2, 3, 1)), (SECOND, (3, 2, 2))])
def test_each_figure_equals_its_records_on_the_page_and_in_the_csv(
    client, spread, period, expected
):
    client.force_login(make_grant_staff())
    query = f"?start={period[0]}&end={period[1]}"
    dashboard = client.get(f"/metrics/{query}").content.decode()

    figures = [dashboard_figure(dashboard, key) for key in KINDS]
    assert tuple(figures) == expected
    for key, kind in KINDS.items():
        assert f'href="/metrics/records/{kind}/{query.replace("&", "&amp;")}"' in dashboard
        page = client.get(f"/metrics/records/{kind}/{query}").content.decode()
        export = csv_rows(client.get(f"/metrics/records/{kind}.csv{query}"))
        figure = dashboard_figure(dashboard, key)

        assert f'id="records-figure">{figure}<' in page
        assert records_figure(export, kind) == figure
        if kind == "downloads":
            unique = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
            assert re.findall(r'data-total="3">(\d+)<', unique) == [str(figure)]
        else:
            assert len(page_rows(page, kind)) == figure


def test_the_cities_records_name_the_day_and_the_member_that_made_each_count(client, spread):
    client.force_login(make_coordinator())
    response = client.get("/metrics/records/cities.csv?start=2025-04-01&end=2025-06-30")

    assert [
        (
            row["City"],
            row["Counted since"],
            row["Member whose approval made it count"],
            row["Job title"],
        )
        for row in csv_rows(response)
    ] == [
        ("Arcadia Test", "2025-02-10", "Ana Ruiz", "Analyst"),
        ("Bell Test", "2025-03-31", "Ben Ode", "Clerk"),
        ("Cudahy Test", "2025-05-01", "Cy Lo", "Director"),
    ]


def test_the_downloads_records_show_what_was_counted_and_set_aside_each_day(client, spread):
    client.force_login(make_grant_staff())
    rows = csv_rows(client.get("/metrics/records/downloads.csv?start=2025-01-01&end=2025-03-31"))
    table = [
        (
            row["Day"],
            row["Package"],
            row["Format"],
            row["Unique downloads by people (the grant figure)"],
            row["All downloads by people"],
            row["Set aside: robots and machines"],
            row["Set aside: repeats within 30 seconds"],
            row["Set aside: refused past the rate limit"],
            row["All requests, bots included"],
        )
        for row in rows
    ]

    assert table == [
        ("2025-02-11", "toolkit", "docx", "0", "1", "0", "1", "0", "2"),
        ("2025-02-11", "toolkit", "pdf", "2", "2", "0", "0", "0", "2"),
        ("2025-03-01", "toolkit", "pdf", "0", "0", "1", "0", "0", "1"),
        ("2025-03-01", "toolkit/smart-mobility", "csv", "1", "1", "0", "0", "0", "1"),
        ("2025-03-02", "toolkit", "pdf", "0", "0", "0", "0", "1", "1"),
    ]


def test_the_round_table_records_give_each_ones_attendance(client, spread):
    client.force_login(make_grant_staff())
    html = client.get("/metrics/records/round-tables/?start=2025-04-01&end=2025-06-30")
    rows = page_rows(html.content.decode(), "round-tables")

    assert [(row[0], row[1], row[-3:]) for row in rows] == [
        ("2025-05-20", "Spring round table", ["0", "3", "3"]),
        ("2025-06-25", "Early summer round table", ["1", "0", "1"]),
    ]


def test_record_pages_have_a_caption_headers_with_scope_and_a_csv_link(client, spread):
    client.force_login(make_grant_staff())
    for kind in KINDS.values():
        html = client.get(f"/metrics/records/{kind}/").content.decode()
        assert "<caption>" in html
        assert '<th scope="col"' in html
        assert f'href="/metrics/records/{kind}.csv"' in html


def test_a_record_page_in_spanish_is_translated(client, spread):
    client.force_login(make_grant_staff())
    html = client.get("/es/metrics/records/round-tables/").content.decode()
    assert "Mesas redondas realizadas, con su asistencia" in html


def test_an_unknown_kind_of_record_is_not_found(client):
    client.force_login(make_grant_staff())
    assert client.get("/metrics/records/visitors/").status_code == 404
    assert client.get("/metrics/records/visitors.csv").status_code == 404


def test_a_bad_period_on_a_record_page_is_shown_next_to_the_field(client, spread):
    client.force_login(make_grant_staff())
    response = client.get("/metrics/records/cities/?start=2025-06-01&end=2025-01-01")
    assert response.status_code == 200
    assert "The end of the period comes before its start." in response.content.decode()
    export = client.get("/metrics/records/cities.csv?start=2025-06-01&end=2025-01-01")
    assert export.status_code == 400


def test_exported_records_never_start_like_a_spreadsheet_formula(client):
    approved(make_city(name="=HYPERLINK(1)"), at("2025-02-10"), name="@SUM(A1)", job_title="+1")
    client.force_login(make_grant_staff())
    text = client.get("/metrics/records/cities.csv?start=2025-01-01&end=2025-03-31")
    rows = csv_rows(text)
    assert rows[0]["City"] == "'=HYPERLINK(1)"
    assert rows[0]["Member whose approval made it count"] == "'@SUM(A1)"
    assert rows[0]["Job title"] == "'+1"


@pytest.mark.parametrize("kind", list(KINDS.values()))
def test_a_record_page_runs_the_same_queries_whatever_the_data(client, kind):
    client.force_login(make_grant_staff())
    url = f"/metrics/records/{kind}/?start=2025-01-01&end=2025-03-31"

    def more(n):
        for index in range(n):
            city = make_city()
            approved(city, at("2025-02-01"), name=f"Member {index}")
            download(f"v{index}", at("2025-02-02"), city=city)
            held("2025-02-03", attended=1, walk_ins=1)

    assert_constant_queries(client, url, more, factors=(3, 12))
