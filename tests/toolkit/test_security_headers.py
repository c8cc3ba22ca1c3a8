import re

import pytest

PUBLIC_PAGES = [
    "/",
    "/toolkit/",
    "/cities/",
    "/cities/west-hollywood/",
    "/adaptations/",
    "/round-tables/",
    "/metrics/",
    "/about/",
    "/privacy/",
    "/accessibility/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/no-such-page/"])
def test_every_response_carries_the_content_security_policy(client, seeded, url):
    response = client.get(url)
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_https_responses_ask_browsers_to_stay_on_https_for_a_year(client, seeded):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_pages_have_no_inline_script_or_style_and_load_nothing_from_other_hosts(
    client, seeded, url
):
    html = client.get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), (
        "inline script"
    )
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
        if attribute.startswith(("http://", "https://", "//")):
            # Links to other sites are fine; loading assets from them is not.
            opening = html[: html.index(attribute)].rsplit("<", 1)[1]
            tag = opening.split()[0]
            # The page in another language (hreflang) is named, not loaded.
            named = tag == "a" or (tag == "link" and 'rel="alternate"' in opening)
            assert named, f"{tag} loads {attribute} from another host"
