"""What other apps do when a membership ends, without the cities app importing them.

An app that keeps something a person has only as a city's member (a round-table seat, say)
registers a callback from its AppConfig.ready():

    from cities import hooks

    hooks.on_membership_ended(registrations_cancel_for_ended_membership)

The cities services call `membership_ended()` explicitly, inside their own transaction,
whenever an approved membership stops being approved (the person is removed or leaves); so
does the admin when a site admin changes or deletes an approved membership.
Whatever the callbacks change commits or rolls back together with the membership; a callback
that raises undoes the whole change. Mail a callback sends belongs in `transaction.on_commit`.
"""

from collections.abc import Callable

# Each is called as callback(membership=...) once the membership is no longer approved: saved
# as removed by a service or in the admin, or about to be deleted in the admin.
_membership_ended: list[Callable[..., None]] = []


def on_membership_ended(callback: Callable[..., None]) -> None:
    """Call `callback(membership=...)` whenever an approved membership ends (idempotent)."""
    if callback not in _membership_ended:
        _membership_ended.append(callback)


def forget(callback: Callable[..., None]) -> None:
    """Stop calling a callback (tests use it to clean up after registering one of their own)."""
    if callback in _membership_ended:
        _membership_ended.remove(callback)


def membership_ended(membership) -> None:
    """Tell every registered callback that this membership is no longer approved."""
    for callback in list(_membership_ended):
        callback(membership=membership)
