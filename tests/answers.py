"""Playing many requests as several people, for the tests that no input gives a server error."""

from collections.abc import Callable, Iterable


def server_errors(
    client, users: Iterable, values: Iterable, requests: Callable[[object], tuple[list, list]]
) -> list[tuple[str, int]]:
    """Each (url, status) that answered with a 5xx.

    For every user (None: a visitor) and every value, `requests(value)` gives the GETs and the
    POSTs to send, each as (url, data).
    """
    answers = []
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for value in values:
            gets, posts = requests(value)
            answers += [(url, client.get(url, data).status_code) for url, data in gets]
            answers += [(url, client.post(url, data).status_code) for url, data in posts]
    return [answer for answer in answers if answer[1] >= 500]
