"""Who may see the grant's records and close its reporting periods."""

from cities.permissions import is_coordinator

GRANT_STAFF_PERMISSION = "toolkit.view_grant_details"


def is_grant_staff(user) -> bool:
    return user.is_authenticated and user.has_perm(GRANT_STAFF_PERMISSION)


def can_see_records(user) -> bool:
    """The records behind the figures and the closed reports: grant staff and coordinators."""
    return is_grant_staff(user) or is_coordinator(user)


def can_close_periods(user) -> bool:
    """Closing a reporting period freezes the figures the grant is judged on: coordinators."""
    return is_coordinator(user)
