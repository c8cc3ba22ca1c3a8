import pytest
from django.core.management import call_command


def test_every_interface_string_has_a_spanish_translation():
    call_command("update_catalogues", "--check")


@pytest.mark.django_db
def test_a_visitor_can_switch_to_spanish_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/about/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert "Iniciar sesión" in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_choice_follows_the_browser_until_the_visitor_chooses(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert '<html lang="es"' in html
