from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from plans.models import CoreValue, Entry, FocusArea, Plan, Source
from plans.revisions import Reason
from plans.seed import SeedError, model_plan_load
from plans.services import entry_update
from tests.factories import make_coordinator

FIXTURE = settings.BASE_DIR / "fixtures" / "model_plan.yaml"


def test_the_seed_loads_the_model_plan_with_at_least_45_cited_entries(seeded):
    plan = Plan.objects.model_plan()
    assert plan.status == Plan.Status.PUBLISHED
    entries = Entry.objects.filter(plan=plan)
    kinds = Counter(entries.values_list("kind", flat=True))
    assert all(kinds[kind] >= 15 for kind in Entry.Kind.values), kinds
    assert entries.count() >= 45
    assert not entries.filter(source__isnull=True).exists()
    assert FocusArea.objects.filter(plan=plan).count() == 6
    smart_mobility = FocusArea.objects.get(plan=plan, slug="smart-mobility")
    assert smart_mobility.entries.filter(kind=Entry.Kind.FUNDING).exists()


def test_entries_keep_their_tags_values_sources_and_related_links(toolkit):
    entry = Entry.objects.get(slug="smart-city-core-values")
    assert sorted(entry.tags.names()) == ["engagement", "ethics", "planning"]
    assert sorted(v.key for v in entry.core_values.all()) == ["accessibility", "transparency"]
    assert entry.source.key == "weho-plan"
    assert sorted(s.key for s in entry.also_sources.all()) == ["envisio-weho", "smartla-2028"]
    assert "start-with-staff-problems" in {e.slug for e in entry.related.all()}
    assert entry.history.count() == 1
    assert entry.history.first().relations["tags"] == ["engagement", "ethics", "planning"]


def test_flagged_entries_are_marked_for_a_coordinator_to_check(toolkit):
    flagged = Entry.objects.filter(unverified=True)
    assert flagged.exists()
    assert not flagged.filter(verification_note="").exists()


def test_loading_twice_changes_nothing_and_adds_no_revision(toolkit, django_assert_max_num_queries):
    plan = Plan.objects.model_plan()
    revisions = (Entry.history.count(), FocusArea.history.count(), plan.revision)

    with django_assert_max_num_queries(20):
        result = model_plan_load(path=FIXTURE)

    plan.refresh_from_db()
    assert result["created"] == result["updated"] == 0
    assert (Entry.history.count(), FocusArea.history.count(), plan.revision) == revisions


def test_a_coordinators_edit_survives_loading_the_seed_again(toolkit):
    entry = Entry.objects.get(slug="smart-city-core-values")
    entry_update(
        entry=entry,
        values={"title": "Agree on core values first"},
        expected_version=entry.version,
        by=make_coordinator(),
    )

    call_command("load_seed_data", verbosity=0)

    entry.refresh_from_db()
    assert entry.title == "Agree on core values first"
    assert entry.history.first().history_change_reason == Reason.EDIT


def test_a_fixture_change_reaches_entries_nobody_has_edited(toolkit, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace(
        'title: "Adopt a short set of core values to screen smart city projects"',
        'title: "Adopt core values to screen smart city projects"',
    )
    changed = tmp_path / "model_plan.yaml"
    changed.write_text(text, encoding="utf-8")

    result = model_plan_load(path=changed)

    entry = Entry.objects.get(slug="smart-city-core-values")
    assert result["updated"] == 1
    assert entry.title == "Adopt core values to screen smart city projects"
    assert entry.version == 2
    assert entry.history.count() == 2


def test_a_fixture_that_cites_an_unknown_source_is_refused_with_the_reason(db, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "source: weho-plan\n", "source: nowhere\n", 1
    )
    broken = tmp_path / "model_plan.yaml"
    broken.write_text(text, encoding="utf-8")

    with pytest.raises(SeedError, match="unknown source 'nowhere'"):
        model_plan_load(path=broken)
    assert not Source.objects.exists()


def test_the_seed_puts_back_core_values_a_flushed_database_lost(db):
    CoreValue.objects.all().delete()
    model_plan_load(path=FIXTURE)
    assert CoreValue.objects.count() == 5
    assert Entry.objects.get(slug="smart-city-core-values").core_values.count() == 2
