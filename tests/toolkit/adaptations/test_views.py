"""A city's adaptation in the browser's terms: pages, forms, refusals, exports and query counts."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Decision, Entry, FocusArea, Plan, Progress
from plans.revisions import Reason, entry_revisions_record
from tests.factories import make_city, make_membership, make_region, make_user
from tests.querycount import assert_constant_queries
from tests.toolkit.adaptations.world import copy_of, decide, model_edit
from toolkit.adaptations import services
from toolkit.adaptations.tasks import adaptation_packages_build
from toolkit.models import DownloadEvent

pytestmark = pytest.mark.django_db

REFUSED = "You do not have access to this page"


def text(response) -> str:
    """The page's visible words, roughly: tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")
    return re.sub(r" ([.,:;])", r"\1", words)


def url(name, world, **kwargs):
    return reverse(f"adaptations:{name}", kwargs={"city": world.city.slug, **kwargs})


def _as(client, user):
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Starting -----------------------------------------------------------------------------------


def test_an_editor_starts_the_citys_adaptation_from_the_city_page(client, world):
    _as(client, world.editor)
    city_page = text(client.get(world.city.get_absolute_url()))
    assert "Testville has not started its adaptation of the model plan yet." in city_page

    form = client.get(url("adaptation-start", world))
    assert 'value="Testville Smart City Plan"' in form.content.decode()
    response = client.post(
        url("adaptation-start", world),
        {"title": "Testville Smart City Plan", "summary": "Ours.", "vision": "Safe streets."},
        follow=True,
    )

    page = text(response)
    assert "The adaptation is started: every entry of the model plan is in it" in page
    assert "This is a draft: only the members of Testville" in page
    assert "Not decided yet: 5" in page
    plan = Plan.objects.adaptations().get(city=world.city)
    assert Entry.objects.filter(plan=plan).count() == 5


def test_staff_without_the_editor_role_cannot_start_it(client, world):
    response = _as(client, world.staff).post(url("adaptation-start", world), {"title": "Ours"})
    assert response.status_code == 403
    assert REFUSED in text(response)  # the site's one refusal page
    assert not Plan.objects.adaptations().exists()


# --- Reading ------------------------------------------------------------------------------------


def _decide_some(world, plan):
    ev, curb, grants, poles, data = (copy_of(plan, e) for e in world.entries)
    decide(ev, by=world.editor, decision=Decision.ADOPTED, progress=Progress.DONE)
    decide(
        curb,
        by=world.editor,
        decision=Decision.ADAPTED,
        summary="Price the curb downtown first.",
        progress=Progress.IN_PROGRESS,
        owner_department="Public Works",
    )
    decide(grants, by=world.editor, decision=Decision.ADOPTED, progress=Progress.PLANNED)
    decide(poles, by=world.editor, decision=Decision.NOT_APPLICABLE, decision_note="No poles.")
    return ev, curb, grants, poles, data


def test_the_adaptation_page_shows_decisions_status_and_progress_in_words(client, world, plan):
    _decide_some(world, plan)
    services.adaptation_publish(plan=plan, by=world.lead)

    page = text(client.get(url("adaptation-detail", world)))

    assert "Testville Smart City Plan" in page and "Published" in page
    # The whole plan: three entries adopted or adapted, one of each status.
    assert "Of 3 entries in the city's plan (adopted, adapted or its own):" in page
    assert "its own): Done: 1 (33%) In progress: 1 (33%)" in page
    assert "Planned: 1 (33%) Not started: 0 (0%)" in page
    assert "Adopted as it is: 2 Adapted: 1 Not applicable: 1" in page
    assert "Not decided yet: 1" in page
    # Each focus area has its own roll-up; Smart Streetscape has nothing adopted yet.
    assert (
        "No entry here is in the city's plan yet (adopted, adapted or its own), so there is no"
        in page
    )
    assert "Curb management policy (policy) Adapted In progress Public Works" in page
    assert "Smart poles (best practice) Not applicable No poles." in page
    # Visitors get no editing controls.
    assert "Apply to the chosen entries" not in page
    html = client.get(url("adaptation-detail", world)).content.decode()
    assert 'class="adaptation-progress__done"' in html and "style=" not in html


def test_a_draft_is_not_found_for_people_outside_the_city(client, world, plan):
    assert client.get(url("adaptation-detail", world)).status_code == 404
    outsider = make_user()
    assert _as(client, outsider).get(url("adaptation-detail", world)).status_code == 404
    assert _as(client, world.staff).get(url("adaptation-detail", world)).status_code == 200


def test_the_public_list_filters_by_subregion_and_sorts_by_last_update(client, world, plan):
    services.adaptation_publish(plan=plan, by=world.lead)
    east = make_region(name="San Gabriel Valley")
    other = make_city(name="Alhambra", region=east)
    lead = make_membership(city=other, role="lead").user
    other_plan = services.adaptation_start(city=other, values={"title": "Alhambra plan"}, by=lead)
    services.adaptation_publish(plan=other_plan, by=lead)

    page = text(client.get(reverse("adaptations:adaptation-list")))
    assert "2 published adaptations" in page
    assert page.index("Alhambra: Alhambra plan") < page.index("Testville: Testville Smart")

    decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    page = text(client.get(reverse("adaptations:adaptation-list")))
    assert page.index("Testville: Testville Smart") < page.index("Alhambra: Alhambra plan")
    page = text(client.get(reverse("adaptations:adaptation-list"), {"region": east.slug}))
    assert "1 published adaptation in San Gabriel Valley" in page
    assert "Testville" not in page.split("published adaptation")[1]


def test_the_executive_summary_fits_the_figures_on_one_page(client, world, plan):
    _decide_some(world, plan)
    response = _as(client, world.staff).get(url("adaptation-summary", world))
    page = text(response)
    assert "Executive summary of the adaptation of the model smart city plan by Testville." in page
    assert "Smart Mobility 2 1 0 0 1 (33%) 1 (33%) 1 (33%)" in page
    assert "Smart Streetscape 0 0 0 1 0 (0%) 0 (0%) 0 (0%)" in page
    assert "adaptations/adaptations." in response.content.decode()  # with its print rules


def test_the_changes_page_lists_only_what_the_city_changed_word_by_word(client, world, plan):
    _decide_some(world, plan)
    response = _as(client, world.staff).get(url("adaptation-changes", world))
    page = text(response)
    assert "1 adapted entry" in page and "1 not applicable" in page
    assert "Curb management policy" in page and "Smart poles" in page
    assert "EV charging expansion" not in page  # adopted as it is: not a change
    html = response.content.decode()
    assert '<span class="usa-sr-only">[removed:</span>and zone<span' in html
    assert '<span class="usa-sr-only">[added:</span>curb downtown first.' in html


# --- Deciding -----------------------------------------------------------------------------------


def _form(entry, **changes):
    data = {
        "decision": entry.decision,
        "decision_note": entry.decision_note,
        "title": entry.title,
        "summary": entry.summary,
        "body": entry.body,
        "progress": entry.progress,
        "owner_department": entry.owner_department,
        "target_date": "",
        "progress_note": entry.progress_note,
        "version": entry.version,
    }
    return {**data, **changes}


def test_adapting_an_entry_with_a_preview_first(client, world, plan):
    curb = copy_of(plan, world.entries[1])
    _as(client, world.editor)
    edit = url("entry-update", world, slug=curb.slug)
    form = client.get(edit).content.decode()
    assert 'value="Curb management policy"' in form  # the form opens with the entry's text
    assert re.search(r'value="undecided"[^>]*checked', form)
    data = _form(curb, decision="adapted", body="### Our curb\n\nStart **downtown**.")

    preview = client.post(edit, {**data, "preview": "1"})
    assert "Preview (not saved yet)" in text(preview)
    assert "<strong>downtown</strong>" in preview.content.decode()
    curb.refresh_from_db()
    assert curb.decision == Decision.UNDECIDED

    response = client.post(edit, data, follow=True)
    assert response.redirect_chain[-1][0] == curb.get_absolute_url()
    assert curb.get_absolute_url() == url("entry-detail", world, slug=curb.slug)
    assert "Your changes to “Curb management policy” are saved." in text(response)
    assert "Compared with the model text" in text(response)
    curb.refresh_from_db()
    assert (curb.decision, curb.body) == ("adapted", "### Our curb\n\nStart **downtown**.")


def test_script_in_markdown_is_refused_with_a_message_and_nothing_changes(client, world, plan):
    curb = copy_of(plan, world.entries[1])
    response = _as(client, world.editor).post(
        url("entry-update", world, slug=curb.slug),
        _form(curb, decision="adapted", body="Hello <script>alert(1)</script>"),
    )
    assert response.status_code == 200
    assert "Remove the script or embedded code" in text(response)
    curb.refresh_from_db()
    assert (curb.decision, curb.version) == (Decision.UNDECIDED, 1)
    for field in ("summary", "vision"):
        client.post(
            url("adaptation-update", world),
            {"title": "T", "summary": "", "vision": "", field: '<a href="javascript:x()">x</a>'},
        )
    plan.refresh_from_db()
    assert plan.title == "Testville Smart City Plan"


def test_editing_the_text_while_adopting_asks_to_choose_adapt(client, world, plan):
    curb = copy_of(plan, world.entries[1])
    response = _as(client, world.editor).post(
        url("entry-update", world, slug=curb.slug),
        _form(curb, decision="adopted", summary="My own words."),
    )
    assert "You changed the text. To keep your own text, choose “Adapt it”" in text(response)
    curb.refresh_from_db()
    assert curb.version == 1


def test_not_applicable_without_a_reason_is_refused(client, world, plan):
    poles = copy_of(plan, world.entries[3])
    response = _as(client, world.editor).post(
        url("entry-update", world, slug=poles.slug), _form(poles, decision="not-applicable")
    )
    assert "Say in a few words why it does not apply." in text(response)
    poles.refresh_from_db()
    assert poles.decision == Decision.UNDECIDED


def test_a_stale_form_shows_both_versions_and_overwrites_nothing(client, world, plan):
    curb = copy_of(plan, world.entries[1])
    opened = _form(curb, decision="adapted", summary="The editor's words.")
    decide(curb, by=world.lead, decision=Decision.ADAPTED, summary="The lead's words.")

    response = _as(client, world.editor).post(url("entry-update", world, slug=curb.slug), opened)

    assert response.status_code == 409
    page = text(response)
    assert "Someone else changed this while you were editing" in page
    assert "version 2" in page
    html = response.content.decode()
    assert "[removed:</span>lead&#x27;s" in html and "[added:</span>editor&#x27;s" in html
    curb.refresh_from_db()
    assert curb.summary == "The lead's words."


def test_bulk_actions_from_the_check_boxes(client, world, plan):
    ids = [copy_of(plan, e).pk for e in world.entries[:3]]
    _as(client, world.editor)
    response = client.post(
        url("entry-bulk", world), {"entries": ids, "action": "adopted"}, follow=True
    )
    assert "3 entries changed." in text(response)
    response = client.post(
        url("entry-bulk", world), {"entries": ids[:1], "action": "not-applicable"}, follow=True
    )
    assert "Say in a few words why it does not apply." in text(response)
    response = client.post(url("entry-bulk", world), {"action": "done"}, follow=True)
    assert "Choose at least one entry with its check box." in text(response)
    assert set(Entry.objects.filter(pk__in=ids).values_list("decision", flat=True)) == {"adopted"}


def test_a_bulk_choice_of_an_id_too_large_for_the_database_changes_nothing(client, world, plan):
    ids = [copy_of(plan, e).pk for e in world.entries[:2]]
    _as(client, world.editor)

    response = client.post(
        url("entry-bulk", world),
        {"entries": [*ids, "99999999999999999999"], "action": "adopted"},
        follow=True,
    )

    assert response.status_code == 200
    assert "“99999999999999999999” is not a valid value." in text(response)
    assert "adopted" not in set(Entry.objects.filter(pk__in=ids).values_list("decision", flat=True))


def test_an_editor_adds_an_entry_of_the_citys_own(client, world, plan):
    area = FocusArea.objects.get(plan=plan, origin=world.streets)
    response = _as(client, world.editor).post(
        url("entry-create", world),
        {
            "focus_area": area.pk,
            "kind": "policy",
            "title": "Dark-sky lighting",
            "summary": "Shielded lights on every new pole.",
            "body": "",
            "progress": "planned",
            "target_date": "2027-01-31",
        },
        follow=True,
    )
    page = text(response)
    assert (
        "“Dark-sky lighting” is added to the adaptation as one of the city's own entries." in page
    )
    assert "An entry of Testville's own: it is not in the model plan." in page
    assert "Jan. 31, 2027" in page


def _own(client, world, area, title, **extra):
    return client.post(
        url("entry-create", world),
        {"focus_area": area.pk, "kind": "policy", "title": title, "summary": "Ours.", **extra},
        follow=True,
    )


def test_an_own_entry_titled_like_another_entry_gets_a_free_address(client, world, plan):
    area = FocusArea.objects.get(plan=plan, origin=world.mobility)
    _as(client, world.editor)

    first = _own(client, world, area, "EV charging expansion", progress="planned")
    second = _own(client, world, area, "EV charging expansion", progress="planned")
    reserved = _own(client, world, area, "Edit", progress="planned")

    for response in (first, second, reserved):
        assert response.status_code == 200
        assert "is added to the adaptation as one of the city's own entries." in text(response)
    own = Entry.objects.filter(plan=plan, decision=Decision.OWN).order_by("pk")
    assert [entry.slug for entry in own] == [
        "ev-charging-expansion-2",
        "ev-charging-expansion-3",
        "edit-entry",
    ]
    assert first.redirect_chain[-1][0] == url("entry-detail", world, slug="ev-charging-expansion-2")


def test_an_own_planned_entry_counts_in_its_focus_areas_progress(client, world, plan):
    area = FocusArea.objects.get(plan=plan, origin=world.streets)
    _own(_as(client, world.editor), world, area, "Dark-sky lighting", progress="planned")

    page = text(client.get(url("adaptation-detail", world)))

    streets = page.split("Smart Streetscape", 1)[1].split("Download this adaptation")[0]
    assert streets.startswith(
        " Of 1 entry in the city's plan (adopted, adapted or its own): Done: 0 (0%)"
    )
    assert "Planned: 1 (100%)" in streets
    assert "no progress to show" not in streets
    assert "Dark-sky lighting (policy) The city's own Planned" in streets


def test_a_safe_next_is_followed_and_any_other_address_falls_back(client, world, plan):
    _as(client, world.lead)
    city_page = world.city.get_absolute_url()
    response = client.post(url("adaptation-publish", world), {"next": city_page})
    assert response["Location"] == city_page
    for hostile in ("0", "foo", "//example.org", "javascript:alert(1)", "https://example.org/"):
        response = client.post(url("adaptation-unpublish", world), {"next": hostile})
        assert response.status_code == 302
        assert response["Location"] == url("adaptation-detail", world)
    bulk = client.post(url("entry-bulk", world), {"action": "done", "next": "0"})
    assert bulk["Location"] == url("adaptation-detail", world) + "#entries"


# --- Publishing and refusals ----------------------------------------------------------------------


def test_only_a_lead_publishes_and_an_editor_is_refused(client, world, plan):
    response = _as(client, world.editor).post(url("adaptation-publish", world))
    assert response.status_code == 403
    assert REFUSED in text(response)
    plan.refresh_from_db()
    assert plan.status == "draft"

    response = _as(client, world.lead).post(url("adaptation-publish", world), follow=True)
    assert "The adaptation is published: anyone can read it now." in text(response)
    response = client.post(url("adaptation-unpublish", world), follow=True)
    assert "Nothing was deleted." in text(response)
    assert client.logout() is None
    assert client.get(url("adaptation-detail", world)).status_code == 404


def test_another_citys_lead_cannot_edit_the_adaptation(client, world, plan):
    services.adaptation_publish(plan=plan, by=world.lead)
    stranger = make_membership(city=make_city(name="Elsewhere"), role="lead").user
    response = _as(client, stranger).post(
        url("adaptation-update", world), {"title": "Taken over", "summary": "", "vision": ""}
    )
    assert response.status_code == 403
    assert REFUSED in text(response)
    plan.refresh_from_db()
    assert plan.title == "Testville Smart City Plan"


# --- Updates from the model plan ------------------------------------------------------------


def test_the_city_reviews_a_model_update_and_accepts_it_once(client, world, plan):
    ev = decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    model_edit(world.entries[0], by=world.coordinator, summary="Chargers at lots and libraries.")
    _as(client, world.editor)

    page = text(client.get(url("adaptation-detail", world)))
    assert "1 update from the model plan" in page
    review = url("model-update-review", world, slug=world.entries[0].slug)
    page = text(client.get(review))
    assert "Your city took version 1; the model plan is now at version 2." in page
    html = client.get(review).content.decode()
    assert "[added:</span>lots and libraries." in html

    response = client.post(review, {"choice": "take-model", "seen_version": 2}, follow=True)
    assert "“EV charging expansion” now has the model plan's new text." in text(response)
    assert "Your adaptation is up to date with the model plan." in text(response)
    ev.refresh_from_db()
    assert (ev.summary, ev.origin_version) == ("Chargers at lots and libraries.", 2)

    again = client.post(review, {"choice": "take-model", "seen_version": 2}, follow=True)
    assert "The update to “EV charging expansion” was already handled, so nothing was" in text(
        again
    )
    assert Entry.objects.get(pk=ev.pk).version == ev.version


def test_an_adapted_entry_shows_both_texts_when_the_model_changes(client, world, plan):
    decide(
        copy_of(plan, world.entries[1]),
        by=world.editor,
        decision=Decision.ADAPTED,
        summary="Price our curb.",
    )
    model_edit(world.entries[1], by=world.coordinator, summary="Price, zone and map the curb.")
    page = text(
        _as(client, world.editor).get(url("model-update-review", world, slug=world.entries[1].slug))
    )
    assert "Your text Curb management policy Price our curb." in page
    assert "The model's new text Curb management policy Price, zone and map the curb." in page
    assert "Keep our text" in page and "Save our edited text" in page
    assert "Dismiss this update" in page


def test_a_dismissed_update_leaves_the_text_alone(client, world, plan):
    model_edit(world.entries[0], by=world.coordinator, summary="New words.")
    response = _as(client, world.editor).post(
        url("model-update-dismiss", world, slug=world.entries[0].slug),
        {"seen_version": 2},
        follow=True,
    )
    assert "is dismissed; your entry is unchanged" in text(response)
    assert copy_of(plan, world.entries[0]).summary == "Add public chargers at city lots."


# --- Across the site ----------------------------------------------------------------------------


def test_the_model_entry_page_names_the_cities_that_adopted_it(client, world, plan):
    decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    entry_url = world.entries[0].get_absolute_url()
    assert "Adopted by 0 cities." in text(client.get(entry_url))

    services.adaptation_publish(plan=plan, by=world.lead)

    response = client.get(entry_url)
    assert "Adopted by 1 city: Testville." in text(response)
    assert "Adapted by 0 cities." in text(response)
    assert url("entry-detail", world, slug="ev-charging-expansion") in response.content.decode()


def test_the_toolkit_list_sorts_by_most_adopted(client, world, plan):
    decide(copy_of(plan, world.entries[3]), by=world.editor, decision=Decision.ADOPTED)
    services.adaptation_publish(plan=plan, by=world.lead)
    response = client.get(reverse("plans:entry-list"), {"sort": "adopted"})
    titles = re.findall(
        r'class="usa-collection__heading">\s*<a[^>]*>([^<]+)</a>', response.content.decode()
    )
    assert titles[0] == "Smart poles"
    assert "Adopted or adapted by 1 city" in text(response)
    # A later decision shows at once, though the model plan did not change.
    decide(copy_of(plan, world.entries[4]), by=world.editor, decision=Decision.ADAPTED)
    decide(copy_of(plan, world.entries[4]), by=world.lead, decision=Decision.ADAPTED, body="x")
    other = make_city(name="Second City")
    lead = make_membership(city=other, role="lead").user
    second = services.adaptation_start(city=other, values={"title": "S"}, by=lead)
    decide(copy_of(second, world.entries[4]), by=lead, decision=Decision.ADOPTED)
    services.adaptation_publish(plan=second, by=lead)
    response = client.get(reverse("plans:entry-list"), {"sort": "adopted"})
    titles = re.findall(
        r'class="usa-collection__heading">\s*<a[^>]*>([^<]+)</a>', response.content.decode()
    )
    assert titles[:2] == ["Open street data", "Smart poles"]


def test_the_city_page_shows_the_published_adaptation_with_its_progress(client, world, plan):
    _decide_some(world, plan)
    assert "Adaptation of the model plan" not in text(client.get(world.city.get_absolute_url()))
    services.adaptation_publish(plan=plan, by=world.lead)
    page = text(client.get(world.city.get_absolute_url()))
    assert "Testville Smart City Plan Published" in page
    assert "Progress: 1 of 3 entries in the city's plan done (33%), 1 in progress." in page
    assert "Published an adaptation" in page


def test_the_pages_speak_spanish(client, world, plan):
    _decide_some(world, plan)
    services.adaptation_publish(plan=plan, by=world.lead)
    page = text(client.get("/es" + url("adaptation-detail", world)))
    assert "Progreso de todo el plan" in page
    assert "Adoptada tal cual: 2" in page


# --- Exports ------------------------------------------------------------------------------------


def test_exports_carry_the_decisions_and_count_apart_from_the_toolkit(client, world, plan):
    _decide_some(world, plan)
    services.adaptation_publish(plan=plan, by=world.lead)
    adaptation_packages_build.call_local(plan.pk)  # as the worker does after the change
    download = reverse(
        "adaptations:adaptation-download", kwargs={"city": world.city.slug, "format": "json"}
    )
    response = client.get(download, HTTP_USER_AGENT="Mozilla/5.0 Firefox/140.0")
    assert response.status_code == 200
    data = json.loads(b"".join(response.streaming_content))
    assert data["format"] == "smart-city-adaptation"
    assert data["progress"]["done"] == 1 and data["progress"]["in_plan"] == 3
    curb = data["focus_areas"][0]["entries"][1]
    assert (curb["decision"], curb["status"], curb["owner_department"]) == (
        "adapted",
        "in-progress",
        "Public Works",
    )
    assert curb["model_entry"]["version"] == 1
    csv_response = client.get(download.replace("/json/", "/csv/"), HTTP_USER_AGENT="Mozilla/5.0")
    csv_text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "Curb management policy,Policy,Adapted,,In progress,Public Works" in csv_text
    assert client.get(download.replace("/json/", "/docx/")).status_code == 200

    events = DownloadEvent.objects.all()
    assert set(events.values_list("package", flat=True)) == {"adaptation/testville"}
    assert DownloadEvent.objects.of_toolkit().count() == 0


# --- Query counts -------------------------------------------------------------------------------


def _grow(world, plan, factor: int) -> None:
    """Bring the adaptation to `factor` times its entries, revisions and adopting cities."""
    model = world.model
    have = Entry.objects.filter(plan=model).count()
    wanted = 5 * factor
    now = timezone.now()
    new_model = [
        Entry(
            plan=model,
            focus_area=world.mobility,
            kind="policy",
            title=f"Grown entry {n}",
            slug=f"grown-entry-{n}",
            summary=f"Model summary {n}.",
            body=f"Model body {n}.",
            order=100 + n,
        )
        for n in range(have, wanted)
    ]
    Entry.objects.bulk_create(new_model)
    relations = {e.pk: {} for e in new_model}
    entry_revisions_record(new_model, relations=relations, reason=Reason.CREATE, created=True)
    area = FocusArea.objects.get(plan=plan, origin=world.mobility)
    decisions = [Decision.ADAPTED, Decision.ADOPTED, Decision.NOT_APPLICABLE, Decision.UNDECIDED]
    copies = [
        Entry(
            plan=plan,
            focus_area=area,
            kind="policy",
            title=e.title,
            slug=e.slug,
            summary=f"City summary {n}.",
            body=e.body,
            order=e.order,
            origin=e,
            origin_version=1,
            decision=decisions[n % 4],
            decision_note="No." if decisions[n % 4] == Decision.NOT_APPLICABLE else "",
            progress=list(Progress.values)[n % 4],
            owner_department="Public Works",
            target_date=now.date(),
        )
        for n, e in enumerate(new_model)
    ]
    Entry.objects.bulk_create(copies)
    # More revisions of every entry of the adaptation.
    everything = list(Entry.objects.filter(plan=plan))
    entry_revisions_record(
        everything * 2,
        relations={e.pk: {} for e in everything},
        reason=Reason.EDIT,
        user=world.editor,
        created=False,
    )
    # More cities whose published adaptations adopted the first model entry.
    for n in range(factor):
        city = make_city(name=f"Adopting city {factor}-{n}")
        other = Plan.objects.create(
            kind=Plan.Kind.ADAPTATION, city=city, title="Other", status="published"
        )
        other_area = FocusArea.objects.create(plan=other, title="A", slug="a")
        Entry.objects.create(
            plan=other,
            focus_area=other_area,
            kind="policy",
            title="Copy",
            slug="copy",
            summary="s",
            origin=world.entries[0],
            origin_version=1,
            decision=Decision.ADOPTED,
            progress=Progress.DONE,
        )
    Plan.objects.filter(pk=plan.pk).update(revision=plan.revision + factor)


@pytest.mark.parametrize(
    ("page", "who"),
    [
        ("adaptation-detail", "visitor"),
        ("adaptation-detail", "editor"),
        ("adaptation-changes", "visitor"),
        ("adaptation-changes", "editor"),
        ("adaptation-summary", "visitor"),
        ("model-update-list", "editor"),
    ],
)
def test_the_adaptation_pages_run_the_same_number_of_queries_whatever_the_data(
    client, world, plan, page, who
):
    _decide_some(world, plan)
    services.adaptation_publish(plan=plan, by=world.lead)
    target = url(page, world)
    if who == "editor":
        _as(client, world.editor)
    counts = assert_constant_queries(client, target, lambda factor: _grow(world, plan, factor))
    print(f"{page} as {who}: {counts[0]} queries at 1x, 10x and 100x")


def test_a_visitor_gets_the_adaptation_page_from_the_cache_until_it_changes(client, world, plan):
    services.adaptation_publish(plan=plan, by=world.lead)
    client.get(url("adaptation-detail", world))
    with CaptureQueriesContext(connection) as queries:
        client.get(url("adaptation-detail", world))
    assert len(queries) == 0  # the whole page, kept (toolkit/pagecache.py)
    decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    assert "Adopted as it is: 1" in text(client.get(url("adaptation-detail", world)))


def test_each_editor_s_bulk_form_from_the_kept_page_carries_a_token_that_works(world, plan):
    lead, editor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client, person in ((lead, world.lead), (editor, world.editor)):
        client.force_login(person)
        client.get(url("adaptation-detail", world))  # the second load comes from the cache
    for client in (lead, editor):
        html = client.get(url("adaptation-detail", world)).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        ids = [copy_of(plan, world.entries[0]).pk]
        response = client.post(
            url("entry-bulk", world),
            {"entries": ids, "action": "adopted", "csrfmiddlewaretoken": token},
            follow=True,
        )
        assert response.status_code == 200
        assert "Adopted as it is: 1" in text(response)


def test_the_adoption_figures_on_an_entry_page_run_a_constant_number_of_queries(
    client, world, plan
):
    decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    services.adaptation_publish(plan=plan, by=world.lead)
    counts = assert_constant_queries(
        client, world.entries[0].get_absolute_url(), lambda factor: _grow(world, plan, factor)
    )
    page = text(client.get(world.entries[0].get_absolute_url()))
    assert "Adopted by 111 cities" in page  # Testville, then 1 + 10 + 100 more
    print(f"entry page: {counts[0]} queries at 1x, 10x and 100x")
