import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.db.models import Exists, OuterRef

from cities import participation, sections
from cities.common.site import absolute
from cities.models import City, CityEmailDomain, Membership, Region
from tests.factories import (
    make_city,
    make_coordinator,
    make_membership,
    make_region,
    make_user,
)
from tests.hostile import server_errors
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

Role, Status = Membership.Role, Membership.Status


def rows(html: str) -> list[str]:
    """The city names of the directory's rows, in page order."""
    return re.findall(r'<th scope="row" data-label="City"><a href="[^"]+">([^<]+)</a>', html)


# --- Directory ------------------------------------------------------------------------------


def test_the_directory_lists_every_city_by_subregion_with_a_summary(client, county):
    make_membership(city=City.objects.get(slug="west-hollywood"))
    html = client.get("/cities/").content.decode()

    assert "1 of 88 cities registered" in html
    assert len(rows(html)) == 88
    assert "Westside Cities" in html and "Gateway Cities" in html
    assert html.index("Westside Cities") < html.index("Gateway Cities")


def test_the_directory_searches_by_name_ignoring_accents(client, county):
    html = client.get("/cities/", {"q": "canada"}).content.decode()
    assert rows(html) == ["La Cañada Flintridge"]
    assert "1 city matches." in html
    # The summary still counts the whole county.
    assert "0 of 88 cities registered" in html


def test_the_directory_filters_by_subregion_including_secondary_ones(client, county):
    html = client.get("/cities/", {"region": "san-fernando-valley"}).content.decode()
    assert set(rows(html)) >= {"Burbank", "San Fernando"}
    assert "Long Beach" not in rows(html)


def test_the_directory_filters_by_participation_state(client, county):
    make_membership(city=City.objects.get(slug="bradbury"))
    registered = rows(client.get("/cities/", {"state": "registered"}).content.decode())
    not_registered = rows(client.get("/cities/", {"state": "not-registered"}).content.decode())
    assert registered == ["Bradbury"]
    assert len(not_registered) == 87


def test_the_directory_sorts_by_population_within_each_subregion(client, county):
    html = client.get("/cities/", {"region": "westside-cities", "sort": "population"})
    names = rows(html.content.decode())
    populations = [City.objects.get(name=name).population for name in names]
    assert populations == sorted(populations, reverse=True)


def test_a_bad_filter_value_is_shown_by_its_field_and_ignored(client, county):
    response = client.get("/cities/", {"sort": "mayor", "region": "atlantis", "q": "bell"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_sort_error"' in html and 'id="id_region_error"' in html
    assert set(rows(html)) == {"Bell", "Bell Gardens", "Bellflower", "Montebello"}


def test_nothing_found_says_so(client, county):
    html = client.get("/cities/", {"q": "Atlantis"}).content.decode()
    assert "No city matches your search" in html


def test_a_search_of_punctuation_alone_matches_no_city(client, county):
    for query in ["&", "!!", "-", "'"]:
        html = client.get("/cities/", {"q": query}).content.decode()
        assert rows(html) == [], query
        assert "No city matches your search" in html
    # Punctuation around a name still finds it.
    assert set(rows(client.get("/cities/", {"q": "(bell)"}).content.decode())) == {
        "Bell",
        "Bell Gardens",
        "Bellflower",
        "Montebello",
    }
    assert rows(client.get("/cities/", {"q": "rancho palos-verdes"}).content.decode()) == [
        "Rancho Palos Verdes"
    ]


@pytest.fixture
def pilot_level():
    """A participation level registered the way another app would register its own."""
    level = participation.Level(
        key="ran-a-pilot",
        label="Ran a pilot",
        definition="An editor of the city ran a pilot.",
        order=50,
        condition=lambda **period: Exists(
            Membership.objects.filter(city=OuterRef("pk"), status=Status.APPROVED, role=Role.EDITOR)
        ),
    )
    participation.register(level)
    yield level
    participation.unregister(level.key)


def test_a_level_another_app_registers_shows_and_filters_in_the_directory(
    client, county, pilot_level
):
    pilot = City.objects.get(slug="bradbury")
    make_membership(city=pilot, role=Role.EDITOR)
    make_membership(city=City.objects.get(slug="bell"))

    html = client.get("/cities/").content.decode()
    assert re.search(r'<option value="ran-a-pilot"\s*>Ran a pilot</option>', html)
    assert "Ran a pilot</span>" in html

    assert rows(client.get("/cities/", {"state": "ran-a-pilot"}).content.decode()) == ["Bradbury"]
    # Bradbury's deepest state is the pilot, so it is not listed as merely registered.
    assert rows(client.get("/cities/", {"state": "registered"}).content.decode()) == ["Bell"]
    page = client.get("/cities/bradbury/").content.decode()
    assert "Done: Ran a pilot" in page


@pytest.fixture
def big_city_level():
    """A level that does not itself ask for an approved member (as a walk-in's would not)."""
    level = participation.Level(
        key="big-city",
        label="Big city",
        definition="More than a million people live in the city.",
        order=20,
        condition=lambda **period: Exists(
            City.objects.filter(pk=OuterRef("pk"), population__gt=1_000_000)
        ),
    )
    participation.register(level)
    yield level
    participation.unregister(level.key)


def test_a_deeper_level_counts_only_for_a_registered_city(client, county, big_city_level):
    # Los Angeles meets the level's condition but nobody from it is an approved member.
    html = client.get("/cities/", {"state": "not-registered"}).content.decode()
    assert "Los Angeles" in rows(html)
    assert rows(client.get("/cities/", {"state": "big-city"}).content.decode()) == []
    page = client.get("/cities/los-angeles/").content.decode()
    assert "Not registered" in page
    # The city did what the level asks: the page says so, and why it does not count yet.
    assert "Done, but counts only once the city is registered: Big city" in page
    assert "Not yet: Big city" not in page and "Done: Big city" not in page
    assert "More than a million people live in the city." in page

    make_membership(city=City.objects.get(slug="los-angeles"))

    assert rows(client.get("/cities/", {"state": "big-city"}).content.decode()) == ["Los Angeles"]
    page = client.get("/cities/los-angeles/").content.decode()
    assert "Done: Registered" in page and "Done: Big city" in page
    assert "1 of 88 cities registered" in client.get("/cities/").content.decode()


def _grow_members(cities):
    def grow(factor):
        wanted = factor * len(cities)
        existing = Membership.objects.count()
        users = [make_user() for _ in range(wanted - existing)]
        Membership.objects.bulk_create(
            Membership(user=user, city=cities[i % len(cities)], status=Status.APPROVED)
            for i, user in enumerate(users)
        )

    return grow


def test_the_directory_query_count_does_not_grow_with_members(client, county, pilot_level):
    cities = list(City.objects.all()[:10])
    _grow_members(cities)(1)
    counts = assert_constant_queries(client, "/cities/", _grow_members(cities))
    print(f"directory queries at 1x, 10x, 100x members: {counts}")


def test_the_directory_query_count_does_not_grow_with_cities(client, db, pilot_level):
    region = make_region()
    make_city(region=region)

    def grow(factor):
        start = City.objects.count()
        City.objects.bulk_create(
            City(
                name=f"Bulk City {n}",
                slug=f"bulk-city-{n}",
                primary_region=region,
                population=1000 + n,
                incorporated_on="1950-01-01",
            )
            for n in range(start, factor)
        )

    client.force_login(make_coordinator())
    counts = assert_constant_queries(client, "/cities/?sort=population", grow)
    print(f"directory queries (signed in) at 1x, 10x, 100x cities: {counts}")


def test_the_directory_query_count_does_not_grow_with_events(client, county):
    """The toolkit's level over download events adds one subquery, whatever the events."""
    from toolkit.models import DownloadEvent

    assert participation.get("downloaded") is not None
    cities = list(City.objects.all()[:10])

    def grow(factor):
        DownloadEvent.objects.bulk_create(
            DownloadEvent(
                package="toolkit", format="pdf", city=cities[n % 10], visitor_key="k", unique_key=n
            )
            for n in range(DownloadEvent.objects.count(), 10 * factor)
        )

    grow(1)
    assert_constant_queries(client, "/cities/", grow)


# --- City page ------------------------------------------------------------------------------


def test_a_city_page_shows_its_facts(client, county):
    html = client.get("/cities/west-hollywood/").content.decode()
    assert "West Hollywood" in html
    assert "35,757" in html
    assert "1984" in html
    assert "Not registered" in html
    assert 'href="https://www.weho.org"' in html
    assert "Ask to join West Hollywood" in html


def test_a_phone_number_typed_as_digits_is_a_link_big_enough_to_tap(client, county):
    """axe's target-size (WCAG 2.2 AA): a link alone on its line is at least 24px each way."""
    City.objects.filter(slug="west-hollywood").update(
        contact_name="Lena Lead", contact_phone="3238486400"
    )
    html = client.get("/cities/west-hollywood/").content.decode()
    assert '<a class="site-contact__link" href="tel:3238486400">3238486400</a>' in html

    css = Path(finders.find("cities/cities.css")).read_text()
    rule = dict(
        declaration.split(":", 1)
        for declaration in re.search(r"\.site-contact__link \{([^}]*)\}", css)
        .group(1)
        .replace(" ", "")
        .replace("\n", "")
        .rstrip(";")
        .split(";")
    )
    assert rule["display"] == "inline-block"
    for size in ("min-height", "min-width"):
        assert float(rule[size].removesuffix("rem")) * 16 >= 24


def test_a_city_page_shows_only_the_contact_details_the_city_published(client, county):
    City.objects.filter(slug="bell").update(
        contact_name="Rita Moreno", contact_email="smart@cityofbell.org", description="Small."
    )
    html = client.get("/cities/bell/").content.decode()
    assert "Smart-city contact" in html
    assert "Rita Moreno" in html and "mailto:smart@cityofbell.org" in html
    assert "tel:" not in html
    assert "Smart-city contact" not in client.get("/cities/bradbury/").content.decode()


def test_a_city_page_shows_the_members_own_links(client, county):
    city = City.objects.get(slug="west-hollywood")
    lead = make_membership(city=city, role=Role.LEAD).user
    client.force_login(lead)
    html = client.get("/cities/west-hollywood/").content.decode()
    assert "You are a member of this city (lead)" in html
    assert "/cities/west-hollywood/members/" in html
    assert "/cities/west-hollywood/edit/" in html
    assert "/cities/west-hollywood/domains/" not in html


@pytest.fixture
def sample_section(settings, tmp_path):
    (tmp_path / "sample_section.html").write_text(
        "<p>{{ section.count }} sample items for {{ city.name }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]

    def context(city, user):
        return {"count": Membership.objects.filter(city=city).count()}

    sections.register(
        sections.Section(
            key="sample", title="Sample slot", template_name="sample_section.html", context=context
        )
    )
    yield
    sections.unregister("sample")


def test_a_section_another_app_registers_fills_a_slot_on_the_city_page(
    client, county, sample_section
):
    city = City.objects.get(slug="bell")
    make_membership(city=city)
    html = client.get("/cities/bell/").content.decode()
    assert '<h2 id="section-sample">Sample slot</h2>' in html
    assert "1 sample items for Bell" in html


def test_a_city_page_query_count_does_not_grow_with_members(client, county, sample_section):
    city = City.objects.get(slug="west-hollywood")

    def grow(factor):
        while city.memberships.count() < factor:
            make_membership(city=city)

    make_membership(city=city)
    client.force_login(make_membership(city=city, role=Role.LEAD).user)
    counts = assert_constant_queries(client, city.get_absolute_url(), grow)
    print(f"city page queries (signed-in lead) at 1x, 10x, 100x members: {counts}")


def test_an_unknown_city_is_a_404(client, db):
    assert client.get("/cities/atlantis/").status_code == 404
    assert client.get("/cities/atlantis/members/").status_code == 302  # sign in first


# --- Joining --------------------------------------------------------------------------------


@pytest.fixture
def weho(county):
    return City.objects.get(slug="west-hollywood")


def join(client, city, follow=False, **data):
    return client.post(
        f"/cities/{city.slug}/join/",
        {"job_title": "Analyst", "department": "IT", **data},
        follow=follow,
    )


def test_asking_to_join_needs_a_signed_in_person(client, weho):
    response = client.get("/cities/west-hollywood/join/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cities/west-hollywood/join/")


def test_joining_on_the_citys_domain_makes_the_first_person_lead(client, weho):
    client.force_login(make_user(email="ana@weho.org"))
    page = client.get("/cities/west-hollywood/join/").content.decode()
    assert "If your confirmed email address ends in @weho.org, you join West Hollywood" in page

    response = join(client, weho)

    assert response["Location"] == "/cities/mine/"
    html = client.get("/cities/mine/").content.decode()
    assert "You are now the lead of West Hollywood." in html
    assert Membership.objects.get().is_lead


def test_a_request_from_outside_waits(client, weho, django_capture_on_commit_callbacks):
    lead = make_membership(city=weho, role=Role.LEAD).user
    client.force_login(make_user(email="sam@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        join(client, weho)
    html = client.get("/cities/mine/").content.decode()
    assert "Your request to join West Hollywood is sent" in html
    assert "Waiting for a decision since" in html
    assert mail.outbox[0].to == [lead.email]
    assert absolute("/cities/west-hollywood/members/") in mail.outbox[0].body


def test_a_removed_member_asking_again_is_told_their_request_waits(client, weho):
    person = make_user(email="ex@weho.org")
    make_membership(user=person, city=weho, status=Status.REMOVED)
    client.force_login(person)

    response = join(client, weho, follow=True)

    html = response.content.decode()
    assert "You were a member of West Hollywood before, or asked to join it before" in html
    assert "waits for the city&#x27;s lead or a coordinator" in html
    assert Membership.objects.open().get(user=person).is_pending


def test_missing_fields_are_shown_next_to_them(client, weho):
    client.force_login(make_user())
    response = join(client, weho, job_title="", department="")
    html = response.content.decode()
    assert 'id="id_job_title_error"' in html and 'id="id_department_error"' in html
    assert not Membership.objects.exists()


def test_asking_twice_shows_a_clear_message(client, weho):
    person = make_user()
    make_membership(user=person, city=weho, status=Status.PENDING)
    client.force_login(person)
    response = join(client, weho)
    assert "You have already asked to join West Hollywood" in response.content.decode()
    assert Membership.objects.count() == 1


def test_the_join_page_tells_a_member_they_belong_already(client, weho):
    member = make_membership(city=weho).user
    client.force_login(member)
    html = client.get("/cities/west-hollywood/join/").content.decode()
    assert "You are already a member of West Hollywood (staff)." in html
    assert '<form method="post" class="usa-form' not in html


def test_the_join_page_asks_an_unverified_person_to_confirm_first(client, weho):
    client.force_login(make_user(verified=False))
    html = client.get("/cities/west-hollywood/join/").content.decode()
    assert "Confirm your email address first" in html
    response = join(client, weho)
    assert "Confirm your email address before you ask" in response.content.decode()
    assert not Membership.objects.exists()


def test_leaving_and_withdrawing_from_your_cities(client, weho):
    person = make_user()
    make_membership(user=person, city=weho)
    client.force_login(person)
    response = client.post("/cities/west-hollywood/leave/", follow=True)
    assert "You left West Hollywood." in response.content.decode()
    assert not Membership.objects.open().exists()


def test_your_cities_lists_memberships_and_past_decisions(client, weho):
    person = make_user()
    make_membership(user=person, city=weho, role=Role.EDITOR)
    declined = make_membership(
        user=person, city=City.objects.get(slug="bell"), status=Status.DECLINED
    )
    Membership.objects.filter(pk=declined.pk).update(decision_message="Use your city address")
    client.force_login(person)
    html = client.get("/cities/mine/").content.decode()
    assert "West Hollywood" in html and "Editor" in html
    assert "Edit the profile" in html and "Members and requests" not in html
    assert "Bell: declined on" in html and "Use your city address" in html
    assert "For coordinators" not in html


def test_your_cities_query_count_does_not_grow(client, county):
    person = make_user()
    cities = list(City.objects.all())
    client.force_login(person)

    def grow(factor):
        for city in cities[Membership.objects.filter(user=person).count() : factor]:
            make_membership(user=person, city=city)

    grow(1)
    assert_constant_queries(client, "/cities/mine/", grow, factors=(10, 80))


# --- Leads ----------------------------------------------------------------------------------


@pytest.fixture
def lead_client(client, weho):
    lead = make_membership(city=weho, role=Role.LEAD).user
    client.force_login(lead)
    client.lead = lead
    return client


def test_a_lead_sees_pending_requests_members_and_domains(lead_client, weho):
    make_membership(city=weho, user=make_user(name="Pat Pending"), status=Status.PENDING)
    make_membership(city=weho, user=make_user(name="Sam Staff"))
    html = lead_client.get("/cities/west-hollywood/members/").content.decode()
    assert "1 request waiting for a decision" in html
    assert "Pat Pending" in html and "Sam Staff" in html
    assert "People with a confirmed address on weho.org join the city at once" in html


def test_a_lead_approves_with_a_message(lead_client, weho, django_capture_on_commit_callbacks):
    request = make_membership(city=weho, user=make_user(name="Pat"), status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            f"/cities/west-hollywood/members/{request.pk}/approve/",
            {"message": "Welcome!"},
            follow=True,
        )
    assert "Pat is now a member of West Hollywood." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.decided_by == lead_client.lead
    assert "Welcome!" in mail.outbox[0].body


def test_a_lead_promotes_staff_to_editor(lead_client, weho):
    staff = make_membership(city=weho, user=make_user(name="Sam"))
    response = lead_client.post(
        f"/cities/west-hollywood/members/{staff.pk}/role/", {"role": "editor"}, follow=True
    )
    assert "Sam is now editor of West Hollywood." in response.content.decode()
    staff.refresh_from_db()
    assert staff.role == Role.EDITOR


def test_demoting_the_last_lead_shows_a_message_and_changes_nothing(lead_client, weho):
    own = Membership.objects.get(user=lead_client.lead)
    response = lead_client.post(
        f"/cities/west-hollywood/members/{own.pk}/role/", {"role": "staff"}, follow=True
    )
    html = response.content.decode()
    assert "is the only lead of West Hollywood" in html
    assert 'role="alert"' in html
    own.refresh_from_db()
    assert own.role == Role.LEAD


def test_a_tampered_role_is_refused_with_a_message(lead_client, weho):
    staff = make_membership(city=weho)
    response = lead_client.post(
        f"/cities/west-hollywood/members/{staff.pk}/role/", {"role": "mayor"}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_approving_a_request_of_another_city_through_your_own_is_a_404(lead_client, weho):
    other = make_membership(city=City.objects.get(slug="bell"), status=Status.PENDING)
    response = lead_client.post(f"/cities/west-hollywood/members/{other.pk}/approve/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Status.PENDING


def test_a_decision_goes_back_to_a_safe_next_page_only(lead_client, weho):
    request = make_membership(city=weho, status=Status.PENDING)
    response = lead_client.post(
        f"/cities/west-hollywood/members/{request.pk}/decline/",
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == "/cities/west-hollywood/members/"


@pytest.mark.parametrize("value", ["0", "foo", "//example.org", "javascript:alert(1)", None])
def test_a_decision_with_a_bad_next_value_goes_back_to_the_members_page(lead_client, weho, value):
    request = make_membership(city=weho, status=Status.PENDING)
    data = {} if value is None else {"next": value}
    response = lead_client.post(f"/cities/west-hollywood/members/{request.pk}/decline/", data)
    assert response.status_code == 302
    assert response["Location"] == "/cities/west-hollywood/members/"
    assert Membership.objects.get(pk=request.pk).status == Status.DECLINED


def test_the_members_page_query_count_does_not_grow(lead_client, weho):
    def grow(factor):
        for status in (Status.PENDING, Status.APPROVED, Status.DECLINED):
            while weho.memberships.filter(status=status).count() < factor:
                make_membership(city=weho, status=status)

    grow(1)
    assert_constant_queries(lead_client, "/cities/west-hollywood/members/", grow, factors=(10, 30))


def test_editors_edit_the_public_profile(client, weho):
    client.force_login(make_membership(city=weho, role=Role.EDITOR).user)
    response = client.post(
        "/cities/west-hollywood/edit/",
        {
            "description": "A city of 1.9 square miles.",
            "website": "weho.org",
            "contact_name": "Dana Lee",
            "contact_title": "Innovation Manager",
            "contact_email": "innovation@weho.org",
            "contact_phone": "",
        },
    )
    assert response["Location"] == "/cities/west-hollywood/"
    weho.refresh_from_db()
    assert weho.website == "https://weho.org"
    assert weho.contact_name == "Dana Lee"


def test_a_bad_profile_value_is_shown_next_to_the_field(client, weho):
    client.force_login(make_membership(city=weho, role=Role.LEAD).user)
    response = client.post("/cities/west-hollywood/edit/", {"contact_email": "not-an-address"})
    assert 'id="id_contact_email_error"' in response.content.decode()
    weho.refresh_from_db()
    assert weho.contact_email == ""


# --- Coordinators ---------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, county):
    client.force_login(make_coordinator())
    return client


def test_the_queue_lists_pending_requests_of_every_city(coordinator_client):
    make_membership(
        city=City.objects.get(slug="bell"), user=make_user(name="Bo"), status=Status.PENDING
    )
    make_membership(
        city=City.objects.get(slug="bradbury"), user=make_user(name="Al"), status=Status.PENDING
    )
    html = coordinator_client.get("/cities/requests/").content.decode()
    assert "2 requests to join a city" in html
    assert "Bo — Bell" in html and "Al — Bradbury" in html
    assert 'name="next" value="/cities/requests/"' in html


def test_the_queue_query_count_does_not_grow(coordinator_client):
    cities = list(City.objects.all())

    def grow(factor):
        while Membership.objects.pending().count() < factor:
            make_membership(city=cities[Membership.objects.count() % 88], status=Status.PENDING)

    grow(1)
    assert_constant_queries(coordinator_client, "/cities/requests/", grow, factors=(10, 60))


def test_a_coordinator_claims_a_city_for_someone(coordinator_client):
    person = make_user(email="clerk@cityofbell.org", name="Clara Clerk")
    response = coordinator_client.post(
        "/cities/claim/", {"city": "bell", "email": "clerk@cityofbell.org"}, follow=True
    )
    assert "Clara Clerk is now a lead of Bell." in response.content.decode()
    assert Membership.objects.get(user=person).is_lead


def test_claiming_with_a_tampered_city_or_unknown_person_shows_the_field_errors(
    coordinator_client,
):
    html = coordinator_client.post(
        "/cities/claim/", {"city": "atlantis", "email": "x@example.org"}
    ).content.decode()
    assert 'id="id_city_error"' in html
    html = coordinator_client.post(
        "/cities/claim/", {"city": "bell", "email": "nobody@example.org"}
    ).content.decode()
    assert 'id="id_email_error"' in html and "No one has an account" in html
    assert not Membership.objects.exists()


def test_a_coordinator_adds_and_removes_a_domain(coordinator_client):
    response = coordinator_client.post("/cities/bell/domains/", {"domain": "bellca.example"})
    assert response["Location"] == "/cities/bell/domains/"
    domain = CityEmailDomain.objects.get(domain="bellca.example")
    coordinator_client.post(f"/cities/bell/domains/{domain.pk}/remove/")
    domain.refresh_from_db()
    assert not domain.is_active
    html = coordinator_client.get("/cities/bell/domains/").content.decode()
    assert "bellca.example, removed by" in html


def test_a_taken_domain_is_refused_next_to_the_field(coordinator_client):
    html = coordinator_client.post("/cities/bell/domains/", {"domain": "weho.org"}).content
    assert "weho.org already belongs to West Hollywood" in html.decode()
    assert CityEmailDomain.objects.get(domain="weho.org").city.slug == "west-hollywood"


def test_removing_a_domain_of_another_city_is_a_404(coordinator_client):
    weho_domain = CityEmailDomain.objects.get(domain="weho.org")
    response = coordinator_client.post(f"/cities/bell/domains/{weho_domain.pk}/remove/")
    assert response.status_code == 404
    weho_domain.refresh_from_db()
    assert weho_domain.is_active


def test_the_directory_renders_in_spanish(client, county):
    html = client.get("/es/cities/").content.decode()
    assert "0 de 88 ciudades registradas" in html
    assert "Nombre de la ciudad" in html


def test_no_region_is_left_unlisted(client, db):
    Region.objects.create(name="Empty", slug="empty")
    assert client.get("/cities/").status_code == 200


def test_nothing_typed_into_the_cities_pages_gives_a_server_error(client, weho):
    member = make_membership(city=weho, role=Role.LEAD)
    hostile = ["9" * 30, "9" * 5000, "-1", "abc", "&", "\x00", "%", "[]", "é" * 200]

    def requests(value):
        return [
            ("get", "/cities/", {"q": value, "region": value, "state": value, "sort": value}),
            ("get", "/cities/requests/", {"page": value}),
            ("get", "/cities/claim/", {"city": value}),
            ("post", "/cities/west-hollywood/join/", {"job_title": value, "department": value}),
            ("post", f"/cities/west-hollywood/members/{member.pk}/role/", {"role": value}),
            ("post", f"/cities/west-hollywood/members/{member.pk}/approve/", {"message": value}),
            ("post", "/cities/west-hollywood/edit/", {"website": value, "contact_email": value}),
            ("post", "/cities/west-hollywood/domains/", {"domain": value}),
            ("post", "/cities/claim/", {"city": value, "email": value}),
        ]

    users = [None, make_coordinator(), member.user]
    assert server_errors(client, users, hostile, requests) == []
    assert Membership.objects.get(pk=member.pk).is_lead
