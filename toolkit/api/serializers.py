"""The shapes of the API's answers: what drf-spectacular writes into the schema.

Every answer is built from the reads the pages and the package files use (the toolkit
snapshots, the adaptation snapshots, the grant metrics); these serializers only name and
type the fields, so the schema says exactly what the site gives.
"""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)


class SourceListSerializer(SourceSerializer):
    key = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    key = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)


class RevisionSerializer(serializers.Serializer):
    """One revision of an entry, as its history page lists it."""

    version = serializers.IntegerField()
    changed_at = serializers.DateTimeField()
    reason = ReasonSerializer()
    changed_fields = serializers.ListField(
        child=serializers.CharField(), help_text="The fields this revision changed (labels)."
    )
    by = serializers.CharField(allow_blank=True, help_text="Who made it, as the page names them.")


class EntrySerializer(serializers.Serializer):
    """An entry of the model plan: the package files' fields, its revision and focus area."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    revision = serializers.IntegerField(help_text="The number of the entry's latest revision.")
    focus_area = LinkSerializer()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    body_markdown = serializers.CharField(allow_blank=True)
    body_html = serializers.CharField(allow_blank=True)
    core_values = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    source = SourceSerializer()
    also_sources = SourceSerializer(many=True)
    cost = serializers.CharField(allow_blank=True)
    effort = serializers.CharField(allow_blank=True)
    departments = serializers.ListField(child=serializers.CharField())
    horizon = serializers.CharField(allow_blank=True)
    funder = serializers.CharField(allow_blank=True)
    eligibility = serializers.CharField(allow_blank=True)
    cycle = serializers.CharField(allow_blank=True)
    related = serializers.ListField(child=serializers.CharField())
    unverified = serializers.BooleanField()
    verification_note = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    updated_at = serializers.CharField()


class KindCountsSerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    funding = serializers.IntegerField()
    practice = serializers.IntegerField()


class FocusAreaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    entries = KindCountsSerializer(help_text="Active entries of each kind.")
    url = serializers.CharField()


class ParticipationSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class CitySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    subregion = LinkSerializer()
    subregions = LinkSerializer(many=True)
    population = serializers.IntegerField()
    website = serializers.CharField(allow_blank=True)
    participation = ParticipationSerializer()
    url = serializers.CharField(help_text="The city's page, with its public contact.")
    adaptation_url = serializers.CharField(
        allow_null=True, help_text="The city's published adaptation, when it has one."
    )


class ProgressSerializer(serializers.Serializer):
    """A roll-up, as the adaptation's pages and files give it."""

    in_plan = serializers.IntegerField(help_text="Entries adopted, adapted or the city's own.")
    done = serializers.IntegerField()
    done_percent = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    planned = serializers.IntegerField()
    not_started = serializers.IntegerField()
    decisions = serializers.DictField(child=serializers.IntegerField())


class AdaptationSerializer(serializers.Serializer):
    city = LinkSerializer()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    published_at = serializers.CharField(allow_null=True)
    updated_at = serializers.CharField()
    progress = ProgressSerializer()
    url = serializers.CharField()
    api_url = serializers.CharField()


class TextChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    model_text = serializers.CharField(allow_blank=True)
    city_text = serializers.CharField(allow_blank=True)


class ModelEntryLinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class AdaptationEntrySerializer(serializers.Serializer):
    slug = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    body_markdown = serializers.CharField(allow_blank=True)
    body_html = serializers.CharField(allow_blank=True)
    decision = serializers.CharField()
    decision_label = serializers.CharField()
    not_applicable_reason = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField(allow_blank=True)
    owner_department = serializers.CharField(allow_blank=True)
    target_date = serializers.CharField(allow_blank=True)
    progress_note = serializers.CharField(allow_blank=True)
    model_entry = ModelEntryLinkSerializer(allow_null=True)
    changes_from_model = TextChangeSerializer(
        many=True, help_text="Where the city's text differs from the model text it started from."
    )
    url = serializers.CharField()
    updated_at = serializers.CharField()


class AdaptationAreaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    progress = ProgressSerializer()
    entries = AdaptationEntrySerializer(many=True)


class CityLinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField()


class AdaptationPlanSerializer(serializers.Serializer):
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    vision = serializers.CharField(allow_blank=True)
    vision_html = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    published_at = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class LicenceSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField()


class AdaptationDetailSerializer(serializers.Serializer):
    """A published adaptation: the adaptation's JSON file, with where the city's text differs."""

    format = serializers.CharField()
    version = serializers.IntegerField()
    generated_at = serializers.CharField()
    revision = serializers.CharField()
    licence = LicenceSerializer()
    attribution = serializers.CharField()
    city = CityLinkSerializer()
    plan = AdaptationPlanSerializer()
    progress = ProgressSerializer()
    focus_areas = AdaptationAreaSerializer(many=True)


class RoundTableSerializer(serializers.Serializer):
    """A round table's public facts: never who signed up, never the online meeting link."""

    slug = serializers.CharField()
    title = serializers.CharField()
    region = LinkSerializer(allow_null=True, help_text="Null for a county-wide round table.")
    host_city = LinkSerializer(allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    registration_deadline = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    venue = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    online = serializers.BooleanField(help_text="Whether it can be joined online.")
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    agenda = serializers.CharField(allow_blank=True)
    minutes = serializers.CharField(allow_blank=True)
    cancellation_note = serializers.CharField(allow_blank=True)
    url = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class MeasureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    target = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Progress towards the target, at most 100.")
    met = serializers.BooleanField()
    definition = serializers.CharField()
    period = PeriodSerializer()


class DownloadTotalsSerializer(serializers.Serializer):
    unique = serializers.IntegerField(help_text="Unique downloads by people: the grant figure.")
    human_total = serializers.IntegerField(help_text="Every download that counts, repeats removed.")
    robots = serializers.IntegerField(help_text="Requests set aside as robots or machines.")
    repeats = serializers.IntegerField(help_text="Requests set aside as repeats within 30 s.")
    over_limit = serializers.IntegerField(help_text="Requests refused past the rate limit.")
    raw_total = serializers.IntegerField(help_text="All requests, bots included.")


class FunnelStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cities = serializers.IntegerField()
    of = serializers.IntegerField()
    percent = serializers.IntegerField()
    definition = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    """The grant figures as the public dashboard shows them."""

    period = PeriodSerializer()
    measures = MeasureSerializer(many=True)
    downloads = DownloadTotalsSerializer()
    funnel = FunnelStepSerializer(many=True)
