"""Assert that a page's SQL query count does not grow with the data behind it."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.common import cache
from toolkit import pagecache


def count_queries(client, url: str) -> int:
    # Measure the page as it is drawn after a change, not as the page cache keeps it (nor as
    # this process remembers which addresses it never keeps).
    cache.changed(cache.CONTENT)
    pagecache.forget_held()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(context.captured_queries)


def assert_constant_queries(
    client, url: str, grow: Callable[[int], None], factors: tuple[int, ...] = (10, 100)
) -> list[int]:
    """Load `url` at 1× data, then call `grow(factor)` to reach each factor and load it again.

    `grow(factor)` must bring the data to `factor` times the starting amount.
    Fails, listing every count, unless all loads ran the same number of queries.
    """
    counts = [count_queries(client, url)]
    for factor in factors:
        grow(factor)
        counts.append(count_queries(client, url))
    assert len(set(counts)) == 1, (
        f"{url} ran {counts} queries at 1x and {'x, '.join(map(str, factors))}x data"
    )
    return counts
