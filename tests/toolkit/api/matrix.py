"""Who may read the public API (run by tests/test_permission_matrix.py).

Everything it answers is public, the same for every role, and it changes nothing; what is not
public does not exist in it: city A's draft adaptation, a retired entry, a retired focus area.
"""

from tests.factories import make_round_table
from tests.matrix import NOT_FOUND, OK, Case, expect
from tests.toolkit.adaptations.matrix import setup as adaptations_setup

EVERYONE = expect(OK, anonymous=OK)
NOBODY = expect(NOT_FOUND, anonymous=NOT_FOUND)


def setup(world):
    if not hasattr(world, "adaptation_a"):  # the adaptations' setup may have run already
        adaptations_setup(world)
    world.api_round_table = make_round_table(
        title="Matrix API round table", online_url="https://meet.example.org/matrix"
    )


def read(name, url_name, kwargs=None, expected=EVERYONE):
    return Case(name, url_name, expected, kwargs=kwargs or (lambda w: {}), changes=False)


CASES = [
    read("the API's index", "api:index"),
    read("the API's entries", "api:entry-list"),
    read("an entry", "api:entry-detail", lambda w: {"slug": w.entry.slug}),
    read("a retired entry", "api:entry-detail", lambda w: {"slug": w.retired.slug}, NOBODY),
    read("an entry's revisions", "api:entry-revision-list", lambda w: {"slug": w.entry.slug}),
    read(
        "a retired entry's revisions",
        "api:entry-revision-list",
        lambda w: {"slug": w.retired.slug},
        NOBODY,
    ),
    read("the focus areas", "api:focus-area-list"),
    read("a focus area", "api:focus-area-detail", lambda w: {"slug": w.area.slug}),
    read(
        "a retired focus area",
        "api:focus-area-detail",
        lambda w: {"slug": w.retired_area.slug},
        NOBODY,
    ),
    read("the sources", "api:source-list"),
    read("the cities", "api:city-list"),
    read("a city", "api:city-detail", lambda w: {"slug": w.city_a.slug}),
    read("the published adaptations", "api:adaptation-list"),
    read("a published adaptation", "api:adaptation-detail", lambda w: {"city": w.city_c.slug}),
    read("a draft adaptation", "api:adaptation-detail", lambda w: {"city": w.city_a.slug}, NOBODY),
    read("the round tables", "api:round-table-list"),
    read("a round table", "api:round-table-detail", lambda w: {"slug": w.api_round_table.slug}),
    read("the grant figures", "api:figures"),
    read("the API's schema", "api:schema"),
    read("the API's documentation", "api:docs"),
    read(
        "an address the API does not have",
        "api:not-found",
        lambda w: {"rest": "no-such-thing"},
        NOBODY,
    ),
]
