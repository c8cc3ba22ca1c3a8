import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from cities.models import City, Membership
from roundtables.models import RoundTable
from tests.factories import (
    make_coordinator,
    make_grant_staff,
    make_membership,
    make_registration,
    make_round_table,
    make_user,
)
from tests.querycount import assert_constant_queries
from toolkit.grant import metrics
from toolkit.models import DownloadEvent, GrantMeasure

pytestmark = pytest.mark.django_db


def toolkit_download(visitor, *, at=None, city=None, bot=False, package="toolkit"):
    at = at or timezone.now()
    return DownloadEvent.objects.create(
        package=package,
        format="pdf",
        created_at=at,
        city=city,
        visitor_key=visitor,
        unique_key=f"{visitor}|{package}|pdf|{at:%Y%m%d%H}",
        is_bot=bot,
    )


@pytest.fixture
def activity(seeded):
    """Two registered cities, three unique downloads (one by a member), one held round table."""
    west_hollywood = City.objects.get(slug="west-hollywood")
    bradbury = City.objects.get(slug="bradbury")
    make_membership(city=west_hollywood, role=Membership.Role.LEAD)
    make_membership(city=bradbury, role=Membership.Role.LEAD)
    make_membership(city=City.objects.get(slug="bell"), status=Membership.Status.PENDING)
    toolkit_download("a", city=west_hollywood)
    toolkit_download("a")  # the same visitor within the hour: not unique
    toolkit_download("b")
    toolkit_download("c", package="toolkit/smart-mobility")
    toolkit_download("bot", bot=True)
    held = make_round_table(
        status=RoundTable.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    make_registration(round_table=held, city=bradbury, attended=True)
    return {"west_hollywood": west_hollywood, "bradbury": bradbury}


def figure(html, key):
    card = html.split(f'id="measure-{key}"', 1)[1]
    return re.search(r"<strong>(\d+)</strong> of (\d+)", card).groups()


def test_the_public_dashboard_shows_each_measure_with_target_percent_and_definition(
    client, activity
):
    html = client.get("/metrics/").content.decode()

    assert figure(html, "participating-cities") == ("2", "16")
    assert figure(html, "toolkit-downloads") == ("3", "50")
    assert figure(html, "round-tables-held") == ("1", "2")
    assert "13% of the target." in html  # 2 of 16 cities
    assert "6% of the target." in html  # 3 of 50 downloads
    assert "50% of the target." in html
    for definition in metrics.DEFINITIONS.values():
        assert str(definition).replace("'", "&#x27;") in html
    assert 'id="downloads-human-total">4<' in html
    assert 'id="downloads-raw-total">5<' in html


def test_the_funnel_subregions_and_trend_have_charts_and_tables(client, activity):
    html = client.get("/metrics/").content.decode()
    funnel = html.split('id="funnel-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th><td[^>]*>(\d+)</td>', funnel)

    assert rows == [
        ("Registered", "2"),
        ("Downloaded the toolkit", "1"),
        ("Attended a round table", "1"),
        ("Published an adaptation", "0"),
    ]
    regions = html.split('id="regions-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Westside Cities</th><td[^>]*>1</td><td[^>]*>5</td>", regions)
    assert html.count('<svg class="site-chart"') == 5
    assert 'role="img"' in html and "<title" in html
    this_month = timezone.localdate().strftime("%B %Y")
    trend = html.split('id="trend-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(rf"{this_month}</th><td[^>]*>3</td><td[^>]*>2</td>", trend)


def test_visitors_see_no_city_table_no_period_form_and_no_exports(client, activity):
    html = client.get("/metrics/").content.decode()
    assert 'id="cities-table"' not in html
    assert "/metrics/export/" not in html
    assert 'name="start"' not in html


def test_a_visitor_asking_for_another_period_is_told_and_shown_the_grant_period(client, activity):
    html = client.get("/metrics/?start=2026-11-01&end=2026-11-02").content.decode()
    assert "Only the grant&#x27;s staff can choose another period" in html
    assert figure(html, "participating-cities") == ("2", "16")


def test_the_home_page_dashboard_city_page_and_export_agree(client, activity):
    grant_staff = make_grant_staff()
    home = client.get("/").content.decode()
    public = client.get("/metrics/").content.decode()
    client.force_login(grant_staff)
    export = client.get("/metrics/export/measures.csv").content.decode("utf-8-sig")
    rows = {
        row[0]: row[1:] for row in csv.reader(io.StringIO(export)) if not row[0].startswith("#")
    }

    for key, label in [
        ("participating-cities", "Participating cities"),
        ("toolkit-downloads", "Toolkit downloads"),
        ("round-tables-held", "Round tables held"),
    ]:
        assert figure(home, key) == figure(public, key) == tuple(rows[label][:2])

    city_page = client.get("/cities/bradbury/").content.decode()
    assert "Attended a round table" in city_page


def test_grant_staff_see_every_city_and_can_choose_a_period(client, activity):
    client.force_login(make_grant_staff())
    html = client.get("/metrics/").content.decode()
    table = html.split('id="cities-table"', 1)[1].split("</table>", 1)[0]

    assert table.count("<tr>") == 88 + 1
    west_hollywood = re.search(r"West Hollywood</a></th>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r'class="site-num"[^>]*>(\d+)<', west_hollywood)
    assert cells == ["1", "1", "0"]  # members, downloads, round tables attended

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    html = client.get(f"/metrics/?start=2026-01-01&end={yesterday}").content.decode()
    assert figure(html, "toolkit-downloads") == ("0", "50")
    assert figure(html, "participating-cities") == ("0", "16")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-06-01&end=2026-01-01", "The end of the period comes before its start."),
        ("start=not-a-date&end=2026-01-01", "Enter a valid date."),
        ("start=2999-01-01&end=2999-12-31", "The period starts in the future"),
        ("start=1990-01-01&end=2026-01-01", "there are no figures before it"),
    ],
)
def test_a_bad_period_gets_a_clear_message_and_the_grant_period(client, activity, query, message):
    client.force_login(make_grant_staff())
    response = client.get(f"/metrics/?{query}")
    html = response.content.decode()

    assert response.status_code == 200
    assert message in html
    assert "usa-error-message" in html
    assert figure(html, "participating-cities") == ("2", "16")


def test_a_bad_period_in_an_export_is_refused_with_the_reason(client, activity):
    client.force_login(make_grant_staff())
    response = client.get("/metrics/export/cities.csv?start=2026-06-01&end=2026-01-01")
    assert response.status_code == 400
    assert "comes before its start" in response.content.decode()


@pytest.mark.parametrize("table", ["measures", "funnel", "subregions", "trend", "cities"])
def test_every_table_exports_as_csv_with_the_period_and_definitions(client, activity, table):
    client.force_login(make_grant_staff())
    response = client.get(f"/metrics/export/{table}.csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    comments = [line[0] for line in lines if line and line[0].startswith("#")]
    data = [line for line in lines if line and not line[0].startswith("#")]

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    period = metrics.grant_period()
    assert f"# Period: {period.start} to {period.end}" in comments
    assert any(comment.startswith("# Toolkit downloads: Downloads of") for comment in comments)
    assert len(data) > 1


def test_the_city_export_has_the_same_figures_as_the_page(client, activity):
    client.force_login(make_grant_staff())
    text = client.get("/metrics/export/cities.csv").content.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    by_city = {row[0]: row for row in rows[1:]}

    assert len(by_city) == 88
    assert by_city["West Hollywood"][3:6] == ["1", "1", "0"]
    # Bradbury's lead, and the colleague who attended the round table.
    assert by_city["Bradbury"][3:6] == ["2", "0", "1"]


def test_people_who_are_not_grant_staff_cannot_export(client, activity):
    response = client.get("/metrics/export/cities.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(make_user())
    response = client.get("/metrics/export/cities.csv")
    assert response.status_code == 403
    assert b"Bradbury" not in response.content


def test_an_unknown_export_is_a_404(client, activity):
    client.force_login(make_grant_staff())
    assert client.get("/metrics/export/passwords.csv").status_code == 404


def test_at_the_start_of_a_grant_everything_reads_zero_without_errors(client, seeded):
    client.force_login(make_grant_staff())
    html = client.get("/metrics/").content.decode()

    assert figure(html, "participating-cities") == ("0", "16")
    assert figure(html, "toolkit-downloads") == ("0", "50")
    assert figure(html, "round-tables-held") == ("0", "2")
    assert "0% of the target." in html
    for table in ["measures", "funnel", "subregions", "trend", "cities"]:
        assert client.get(f"/metrics/export/{table}.csv").status_code == 200


def test_coordinators_change_a_target_and_every_page_follows(client, seeded):
    client.force_login(make_coordinator())
    form = client.get("/metrics/measures/").context["formset"]
    data = {f"form-{key}": value for key, value in form.management_form.initial.items()}
    for index, measure in enumerate(GrantMeasure.objects.order_by("order")):
        data |= {
            f"form-{index}-id": measure.pk,
            f"form-{index}-label": measure.label,
            f"form-{index}-target": 20 if measure.key == "participating-cities" else measure.target,
            f"form-{index}-period_start": measure.period_start,
            f"form-{index}-period_end": measure.period_end,
        }

    response = client.post("/metrics/measures/", data)

    assert response.status_code == 302
    assert figure(client.get("/").content.decode(), "participating-cities") == ("0", "20")


def one_measure_form(measure, **fields) -> dict:
    """The measures' form with only `measure` in it, its other fields as given."""
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"}
    data |= {"form-0-id": measure.pk, "form-0-label": measure.label}
    return data | {f"form-0-{name}": value for name, value in fields.items()}


def test_a_grant_period_that_ends_before_it_starts_is_refused(client, seeded):
    client.force_login(make_coordinator())
    measure = GrantMeasure.objects.get(key="toolkit-downloads")
    data = one_measure_form(measure, target="0", period_start="2027-01-01", period_end="2026-01-01")
    response = client.post("/metrics/measures/", data)
    html = response.content.decode()

    assert response.status_code == 400
    assert "The grant period must end after it starts." in html
    assert "A target must be at least 1." in html
    measure.refresh_from_db()
    assert measure.target == 50


def test_a_tampered_form_cannot_add_a_measure(client, seeded):
    client.force_login(make_coordinator())
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-label": "Invented measure",
        "form-0-target": "5",
        "form-0-period_start": "2026-01-01",
        "form-0-period_end": "2026-12-31",
    }
    client.post("/metrics/measures/", data)
    assert GrantMeasure.objects.count() == 3


def test_a_tampered_form_count_is_refused_without_drawing_thousands_of_forms(client, seeded):
    client.force_login(make_coordinator())
    measure = GrantMeasure.objects.get(key="toolkit-downloads")
    data = one_measure_form(
        measure, target="70", period_start="2026-01-01", period_end="2026-12-31"
    )
    data["form-TOTAL_FORMS"] = "99999999999999999999"

    response = client.post("/metrics/measures/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please submit at most 3 forms." in html
    assert 'name="form-3-label"' not in html
    measure.refresh_from_db()
    assert measure.target == 50


def test_the_dashboard_query_count_holds_at_10x_and_100x_data(client, activity):
    client.force_login(make_grant_staff())
    cities = list(City.objects.order_by("pk")[:20])

    def grow(factor):
        DownloadEvent.objects.bulk_create(
            DownloadEvent(
                package="toolkit",
                format="csv",
                visitor_key=f"v{i}",
                unique_key=f"u{i}",
                city=cities[i % len(cities)],
            )
            for i in range(factor * 5 - DownloadEvent.objects.count())
        )
        while Membership.objects.count() < factor * 3:
            make_membership(city=cities[Membership.objects.count() % len(cities)])
        while RoundTable.objects.count() < factor:
            held = make_round_table(
                status=RoundTable.Status.HELD,
                starts_at=timezone.now() - datetime.timedelta(days=RoundTable.objects.count() + 1),
            )
            make_registration(round_table=held, attended=True)

    assert_constant_queries(client, "/metrics/", grow)


def test_a_grant_period_far_in_the_future_is_refused_and_the_site_keeps_working(client, seeded):
    client.force_login(make_coordinator())
    measure = GrantMeasure.objects.get(key="toolkit-downloads")
    far = one_measure_form(measure, target="50", period_start="2026-01-01", period_end="9999-12-31")
    response = client.post("/metrics/measures/", far)

    assert response.status_code == 400
    assert "Choose a period of ten years at most." in response.content.decode()
    assert client.get("/").status_code == 200


def test_each_measure_counts_over_its_own_period_and_shows_its_own_label(client, activity):
    downloads = GrantMeasure.objects.get(key="toolkit-downloads")
    downloads.period_end = timezone.localdate() - datetime.timedelta(days=1)
    downloads.label = "Toolkit downloads (year one)"
    downloads.save()

    html = client.get("/").content.decode()

    assert figure(html, "toolkit-downloads") == ("0", "50")
    assert figure(html, "participating-cities") == ("2", "16")
    assert "Toolkit downloads (year one)" in html


def test_exported_cells_never_start_like_a_spreadsheet_formula(client, activity):
    City.objects.filter(slug="bell").update(name="=HYPERLINK(1)")
    client.force_login(make_grant_staff())
    text = client.get("/metrics/export/cities.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "\n=HYPERLINK" not in text


def test_grant_staff_see_each_citys_adaptation_status_and_progress(client, activity):
    from plans.models import Entry
    from toolkit.adaptations.services import adaptation_entries_bulk, adaptation_start

    lead = activity["west_hollywood"].memberships.get().user
    plan = adaptation_start(
        city=activity["west_hollywood"], values={"title": "WeHo's plan"}, by=lead
    )
    entries = list(Entry.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))
    adaptation_entries_bulk(plan=plan, entry_ids=entries[:4], action="adopted", by=lead)
    adaptation_entries_bulk(plan=plan, entry_ids=entries[:1], action="done", by=lead)

    client.force_login(make_grant_staff())
    html = client.get("/metrics/").content.decode()
    row = re.search(r"West Hollywood</a></th>(.*?)</tr>", html, re.S).group(1)
    text = client.get("/metrics/export/cities.csv").content.decode("utf-8-sig")

    assert "Draft" in row
    assert "1 of 4 (25%)" in row
    assert "West Hollywood,Westside Cities," in text and ",Draft,1 of 4 (25%)" in text


def test_cached_figures_change_the_moment_the_data_does(client, activity):
    assert figure(client.get("/").content.decode(), "participating-cities") == ("2", "16")
    assert figure(client.get("/metrics/").content.decode(), "round-tables-held") == ("1", "2")

    make_membership(city=City.objects.get(slug="bell"))
    second = make_round_table(
        status=RoundTable.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    make_registration(round_table=second, attended=True)

    assert figure(client.get("/").content.decode(), "participating-cities") == ("4", "16")
    assert figure(client.get("/metrics/").content.decode(), "round-tables-held") == ("2", "2")


def test_grant_staff_see_a_city_s_new_download_in_its_row_at_once(client, activity):
    client.force_login(make_grant_staff())
    weho = activity["west_hollywood"]

    def downloads_of_west_hollywood():
        html = client.get("/metrics/").content.decode()
        row = re.search(r"West Hollywood</a></th>(.*?)</tr>", html, re.S).group(1)
        return int(re.search(r'data-label="Toolkit downloads">(\d+)<', row).group(1))

    before = downloads_of_west_hollywood()
    assert downloads_of_west_hollywood() == before  # drawn from the cache, unchanged
    DownloadEvent.objects.create(
        package="toolkit", format="pdf", visitor_key="new", unique_key="new", city=weho
    )
    assert downloads_of_west_hollywood() == before + 1


def test_a_download_shows_on_the_downloads_page_at_once(client, activity):
    html = client.get("/toolkit/downloads/").content.decode()
    whole = html.split('id="package-whole"', 1)[1]
    before = whole.split(">PDF</th>", 1)[1].split('data-count="unique">', 1)[1].split("<", 1)[0]
    toolkit_download("z")

    html = client.get("/toolkit/downloads/").content.decode()
    whole = html.split('id="package-whole"', 1)[1]
    after = whole.split(">PDF</th>", 1)[1].split('data-count="unique">', 1)[1].split("<", 1)[0]
    assert int(after) == int(before) + 1


def test_every_participation_level_reads_the_same_on_the_dashboard_the_export_and_the_cities(
    client, activity
):
    """One registry: each level's label and definition, wherever a level is shown."""
    from django.utils.html import escape

    from cities import participation

    client.force_login(make_grant_staff())
    dashboard = client.get("/metrics/").content.decode()
    funnel_table = dashboard.split('id="funnel-table"', 1)[1].split("</table>", 1)[0]
    text = client.get("/metrics/export/funnel.csv").content.decode("utf-8-sig")
    exported = {row[0]: row for row in csv.reader(io.StringIO(text)) if row and row[0][0] != "#"}
    directory = client.get("/cities/").content.decode()
    city_page = client.get("/cities/bradbury/").content.decode()

    levels = participation.levels()
    assert [level.key for level in levels] == [
        "registered",
        "downloaded",
        "attended-round-table",
        "published",
    ]
    for level in levels:
        label, definition = escape(str(level.label)), escape(str(level.definition))
        assert f">{label}</th>" in funnel_table and definition in funnel_table
        assert exported[str(level.label)][4].startswith(str(level.definition))
        assert f"<dt>{label}</dt><dd>{definition}</dd>" in directory
        assert label in city_page and definition in city_page
    # Bradbury registered and attended: the same two steps on its page and in the funnel.
    assert "Done: Registered" in city_page and "Done: Attended a round table" in city_page
    assert "Not yet: Downloaded the toolkit" in city_page
    assert exported["Attended a round table"][1] == "1"
    # And Bradbury's state reads the same on its page, the grant staff's table and its export.
    text = client.get("/metrics/export/cities.csv").content.decode("utf-8-sig")
    by_city = {row[0]: row for row in csv.reader(io.StringIO(text)) if row and row[0][0] != "#"}
    assert by_city["City"][-1] == "Participation"
    assert by_city["Bradbury"][-1] == "Attended a round table"
    assert by_city["Bell"][-1] == "Not registered"
    cities_table = dashboard.split('id="cities-table"', 1)[1].split("</table>", 1)[0]
    bradbury = cities_table.split(">Bradbury</a>", 1)[1].split("</tr>", 1)[0]
    assert "Attended a round table</td>" in bradbury
    assert "<dd>Attended a round table</dd>" in city_page
