"""A city's progress reads the same wherever it is shown or exported.

The fractions are chosen so that rounding halves up and rounding halves to even disagree:
1 of 8 is 12.5 % (13 % rounded up, 12 % to even) and 5 of 8 is 62.5 % (63 % against 62 %).
The city's own entries count with the adopted and adapted ones.
"""

import json
import re

import pytest
from django.urls import reverse

from plans.models import Entry, FocusArea, Progress
from tests.factories import make_grant_staff
from toolkit.adaptations import services
from toolkit.adaptations.tasks import adaptation_packages_build

pytestmark = pytest.mark.django_db


def words(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")
    return re.sub(r" ([.,:;)])", r"\1", text)


def downloaded(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def eight(world, plan):
    """A published adaptation of eight entries in the city's plan: five adopted, three its own."""
    copies = list(Entry.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))
    services.adaptation_entries_bulk(plan=plan, entry_ids=copies, action="adopted", by=world.editor)
    area = FocusArea.objects.get(plan=plan, origin=world.streets)
    own = [
        services.adaptation_entry_create(
            plan=plan,
            values={"focus_area": area, "kind": "policy", "title": title, "summary": "Ours."},
            by=world.editor,
        ).pk
        for title in ("Dark-sky lighting", "Quiet zones", "Shade trees")
    ]
    services.adaptation_publish(plan=plan, by=world.lead)
    return world, plan, own + copies


@pytest.mark.parametrize(("done", "shown"), [(1, 13), (5, 63)])
def test_a_citys_progress_reads_the_same_on_every_page_and_export(client, eight, done, shown):
    world, plan, entries = eight
    # Own entries first: they count as done like any other.
    services.adaptation_entries_bulk(
        plan=plan, entry_ids=entries[:done], action=Progress.DONE, by=world.editor
    )
    city = world.city

    city_page = words(client.get(city.get_absolute_url()))
    assert f"Progress: {done} of 8 entries in the city's plan done ({shown}%)" in city_page

    adaptation_page = words(client.get(reverse("adaptations:adaptation-detail", args=[city.slug])))
    assert "Of 8 entries in the city's plan (adopted, adapted or its own):" in adaptation_page
    assert f"Done: {done} ({shown}%)" in adaptation_page
    listed = words(client.get(reverse("adaptations:adaptation-list")))
    assert f"{done} of 8 entries in the city's plan done ({shown}%)" in listed

    adaptation_packages_build.call_local(plan.pk)  # as the worker does after the change
    download = reverse("adaptations:adaptation-download", args=[city.slug, "csv"])
    adaptation_csv = downloaded(client.get(download))
    assert "# Progress: Of 8 entries in the city's plan (adopted, adapted or its own): " in (
        adaptation_csv
    )
    assert f": {done} done ({shown}%)" in adaptation_csv
    data = json.loads(downloaded(client.get(download.replace("/csv/", "/json/"))))
    assert (data["progress"]["in_plan"], data["progress"]["done"]) == (8, done)
    assert data["progress"]["done_percent"] == shown

    client.force_login(make_grant_staff())
    dashboard = client.get(reverse("metrics:dashboard")).content.decode()
    row = re.search(rf"{city.name}</a></th>(.*?)</tr>", dashboard, re.S).group(1)
    assert f"{done} of 8 ({shown}%)" in row
    dashboard_csv = client.get(reverse("metrics:export", args=["cities"]))
    dashboard_csv = dashboard_csv.content.decode("utf-8-sig")
    assert f"{city.name}," in dashboard_csv
    assert f",{done} of 8 ({shown}%)" in dashboard_csv
