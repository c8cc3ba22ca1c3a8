"""A person's own data: everything the site holds about them, and closing their account."""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Q

from cities.services import memberships_forget
from plans.models import Entry, Plan
from toolkit.models import User

DELETED_NAME = "(closed account)"


def _moment(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def account_data(*, user: User) -> dict:
    """Everything the site keeps about the person, for them to download (JSON-ready)."""
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "job_title": user.job_title,
            "date_joined": _moment(user.date_joined),
            "last_login": _moment(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("email")
            ],
            "two_step_verification": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "memberships": [
            {
                "city": membership.city.name,
                "role": membership.role,
                "status": membership.status,
                "job_title": membership.job_title,
                "department": membership.department,
                "requested_at": _moment(membership.requested_at),
                "decided_at": _moment(membership.decided_at),
                "decision_message": membership.decision_message,
            }
            for membership in user.memberships.select_related("city").order_by("requested_at")
        ],
        "round_table_registrations": [
            {
                "round_table": registration.round_table.title,
                "starts_at": _moment(registration.round_table.starts_at),
                "city": registration.city.name,
                "status": registration.status,
                "attended": registration.attended,
                "signed_up_at": _moment(registration.signed_up_at),
            }
            for registration in user.registrations.select_related("round_table", "city").order_by(
                "signed_up_at"
            )
        ],
        "adaptation_changes": [
            {
                "plan": change["plan__title"],
                "city": change["plan__city__name"],
                "entry": change["title"],
                "change": change["history_type"],
                "at": _moment(change["history_date"]),
            }
            for change in Entry.history.filter(
                history_user_id=user.pk, plan__kind=Plan.Kind.ADAPTATION
            )
            .order_by("history_date")
            .values("plan__title", "plan__city__name", "title", "history_type", "history_date")
        ],
    }


@transaction.atomic
def account_close(*, user: User) -> None:
    """Close the person's account and keep nothing that names them.

    Their memberships end as leaving does (with their round-table seats, each freed seat going
    to the waitlist); the rows that make the collaborative's record (past attendance, who
    decided what, history) stay, pointing at an account with no email, name or job title.
    """
    memberships_forget(user=user)
    # The admin's log names what it changed: the person, or their memberships.
    named = Q(content_type__model="user", object_id=str(user.pk))
    for value in {user.name, user.email} - {""}:
        named |= Q(object_repr__contains=value)
    LogEntry.objects.filter(named).update(object_repr=DELETED_NAME)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"closed-{user.pk}@closed.invalid"
    user.name = user.job_title = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.last_login = None
    user.save()
