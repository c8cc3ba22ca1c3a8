import re

import pytest
from django.core.management import call_command


def test_every_interface_string_has_a_spanish_translation():
    call_command("update_catalogues", "--check")


def switcher_link(html: str, name: str) -> str:
    return re.search(rf'<a href="([^"]+)"[^>]*site-language__button">{name}</a>', html).group(1)


@pytest.mark.django_db
def test_a_visitor_switches_to_spanish_and_back_on_the_same_page(client):
    html = client.get("/toolkit/entries/?q=charging").content.decode()
    assert '<html lang="en"' in html
    spanish = switcher_link(html, "Español")
    assert spanish == "/es/toolkit/entries/?q=charging"

    html = client.get(spanish).content.decode()
    assert '<html lang="es"' in html
    assert "Iniciar sesión" in html
    assert switcher_link(html, "English") == "/toolkit/entries/?q=charging"


@pytest.mark.django_db
def test_every_page_names_its_other_languages_for_search_engines(client):
    html = client.get("/es/about/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/about/">' in html
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/about/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/about/">' in html


@pytest.mark.django_db
def test_the_address_decides_the_language_not_the_browser(client):
    # One address, one page for everyone: that is what lets it be cached whole.
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert '<html lang="en"' in html
    html = client.get("/es/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es"' in html


@pytest.mark.django_db
def test_a_missing_page_links_to_the_same_address_or_the_home_in_the_other_language(client):
    html = client.get("/es/cities/atlantis/").content.decode()
    assert switcher_link(html, "English") == "/cities/atlantis/"
    html = client.get("/es/nowhere/").content.decode()
    assert switcher_link(html, "English") == "/"


def test_machine_addresses_stay_outside_the_language_prefix(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/es/healthz").status_code == 404
    assert client.get("/i18n/setlang/").status_code == 404
