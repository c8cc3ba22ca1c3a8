"""Every change to cities, their email domains and their memberships.

Each function runs in one transaction. Whatever two people could do at the same moment
(approve the first member of a city, demote each other) locks the city's row first, so the
rules are checked against what is committed: a city gets exactly one first lead, and never
loses its last lead by accident. Mail goes out only once the change is committed.
"""

from functools import partial

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cities import emails, hooks, permissions
from cities.common.errors import DomainError
from cities.common.site import absolute
from cities.models import City, CityEmailDomain, Membership, email_domain, normalize_domain

Status = Membership.Status
Role = Membership.Role


def _lock_city(city: City) -> City:
    # FOR NO KEY UPDATE (on PostgreSQL): the city's own changes wait for each other, while
    # rows that merely point at the city do not need to wait for the lock to be written.
    return City.objects.select_for_update(no_key=True).get(pk=city.pk)


def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().get(pk=membership.pk)


def _ensure_may_manage(by, city: City) -> None:
    # Checked again under the lock: the person's own role may have changed meanwhile.
    if not permissions.can_manage_members(by, city, fresh=True):
        raise DomainError(
            _("You can no longer manage the members of %(city)s."), params={"city": city.name}
        )


def _has_lead(city: City) -> bool:
    return Membership.objects.leads().filter(city=city).exists()


def _only_lead(membership: Membership) -> bool:
    return (
        membership.is_lead
        and not Membership.objects.leads()
        .filter(city_id=membership.city_id)
        .exclude(pk=membership.pk)
        .exists()
    )


def _decide(membership: Membership, *, status: str, by, message: str = "") -> None:
    membership.status = status
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.decision_message = message.strip()
    membership._history_user = by


def _save(membership: Membership) -> Membership:
    # The unique constraint is left to the database, which is the one that sees races.
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


def _link(name: str, **kwargs) -> str:
    return absolute(reverse(name, kwargs=kwargs))


def _notify_person(membership: Membership, template: str, **extra) -> None:
    context = {
        "membership": membership,
        "city": membership.city,
        "person": membership.user,
        "decided_by": membership.decided_by,
        "city_url": _link("cities:city-detail", slug=membership.city.slug),
        "my_cities_url": _link("cities:my-cities"),
        **extra,
    }
    transaction.on_commit(
        partial(
            emails.send,
            template=template,
            to=membership.user.email,
            context=context,
            language=membership.language,
        )
    )


def _notify_deciders(membership: Membership) -> None:
    """Tell the city's leads about a request; coordinators when the city has no lead."""
    city = membership.city
    leads = list(
        Membership.objects.leads()
        .filter(city=city, user__is_active=True)
        .select_related("user")
        .only("language", "user__email")
    )
    recipients = [(lead.user.email, lead.language) for lead in leads]
    if not recipients:
        recipients = [(email, "") for email in _coordinator_emails()]
    context = {
        "membership": membership,
        "city": city,
        "person": membership.user,
        "members_url": _link("cities:member-list", slug=city.slug),
        "queue_url": _link("cities:request-queue"),
        "to_coordinators": not leads,
        "returning": getattr(membership, "returning", False),
    }
    for address, language in recipients:
        transaction.on_commit(
            partial(
                emails.send,
                template="membership_requested",
                to=address,
                context=context,
                language=language,
            )
        )


def _coordinator_emails() -> list[str]:
    perm = Q(
        groups__permissions__codename="decide_any_membership",
        groups__permissions__content_type__app_label="cities",
    ) | Q(
        user_permissions__codename="decide_any_membership",
        user_permissions__content_type__app_label="cities",
    )
    users = get_user_model().objects.filter(perm, is_active=True).distinct()
    return list(users.values_list("email", flat=True).order_by("email"))


def membership_hold(*, user, city: City) -> bool:
    """Keep the person's approved membership of the city from ending until the transaction
    ends; False when they have none.

    For other apps that give something to a city's members (a round-table seat): call it
    inside their transaction before taking any lock of their own, so that locks are always
    taken city, membership, then the other app's rows, as a removal (and its hooks) takes
    them. Holds the city's lock, so one city's holds and changes happen one at a time.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("membership_hold needs a transaction.")
    _lock_city(city)
    return bool(
        list(
            Membership.objects.approved()
            .select_for_update()
            .filter(user=user, city=city, user__is_active=True)
            .values_list("pk", flat=True)
        )
    )


@transaction.atomic
def membership_request(
    *,
    user,
    city: City,
    job_title: str,
    department: str,
    language: str = "",
) -> Membership:
    """Ask to join a city; approved at once when a verified address is on the city's domain."""
    addresses = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    if not addresses:
        raise DomainError(
            _("Confirm your email address before you ask to join a city."), code="unverified"
        )
    city = _lock_city(city)
    existing = Membership.objects.open().filter(user=user, city=city).first()
    if existing is not None:
        raise _already(existing)
    # Someone the city removed (or who left, or was declined) does not get back in, let
    # alone as lead, just by having an address on its domain: a person decides.
    returning = Membership.objects.filter(
        user=user, city=city, status__in=[Status.REMOVED, Status.DECLINED]
    ).exists()
    domains = set(city.email_domains.active().values_list("domain", flat=True))
    automatic = not returning and any(email_domain(address) in domains for address in addresses)
    membership = Membership(
        user=user,
        city=city,
        job_title=job_title.strip(),
        department=department.strip(),
        language=language,
    )
    membership._history_user = user
    if automatic:
        membership.role = Role.STAFF if _has_lead(city) else Role.LEAD
        membership.status = Status.APPROVED
        membership.decided_at = timezone.now()
    try:
        with transaction.atomic():
            _save(membership)
    except IntegrityError:
        raise _already(Membership.objects.open().get(user=user, city=city)) from None
    # Read by the view (to say why the request waits) and by the deciders' email.
    membership.returning = returning
    if automatic:
        _notify_person(membership, "membership_approved", automatic=True)
    else:
        _notify_deciders(membership)
    return membership


def _already(existing: Membership) -> DomainError:
    if existing.is_approved:
        return DomainError(
            _("You are already a member of %(city)s."),
            params={"city": existing.city.name},
            code="already_member",
        )
    return DomainError(
        _("You have already asked to join %(city)s. Your request is waiting for a decision."),
        params={"city": existing.city.name},
        code="already_asked",
    )


def _ensure_pending(membership: Membership) -> None:
    if not membership.is_pending:
        raise DomainError(
            _("The request of %(person)s was already decided: %(status)s."),
            params={"person": membership.user, "status": membership.get_status_display()},
            code="already_decided",
        )


@transaction.atomic
def membership_approve(*, membership: Membership, by, message: str = "") -> Membership:
    """Approve a pending request; the person becomes lead when the city has none."""
    city = _lock_city(membership.city)
    membership = _lock_membership(membership)
    _ensure_may_manage(by, city)
    _ensure_pending(membership)
    if not _has_lead(city):
        membership.role = Role.LEAD
    _decide(membership, status=Status.APPROVED, by=by, message=message)
    _save(membership)
    _notify_person(membership, "membership_approved", automatic=False)
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, by, message: str = "") -> Membership:
    """Decline a pending request, with an optional message to the person."""
    city = _lock_city(membership.city)
    membership = _lock_membership(membership)
    _ensure_may_manage(by, city)
    _ensure_pending(membership)
    _decide(membership, status=Status.DECLINED, by=by, message=message)
    _save(membership)
    _notify_person(membership, "membership_declined")
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by) -> Membership:
    """Make an approved member staff, editor or lead; a city always keeps one lead."""
    city = _lock_city(membership.city)
    membership = _lock_membership(membership)
    _ensure_may_manage(by, city)
    if role not in Role.values:
        raise DomainError(_("Choose one of the roles offered."), code="invalid_role")
    if not membership.is_approved:
        raise DomainError(
            _("%(person)s is not an approved member of %(city)s."),
            params={"person": membership.user, "city": city.name},
            code="not_member",
        )
    if membership.role == role:
        raise DomainError(
            _("%(person)s already has the role %(role)s."),
            params={"person": membership.user, "role": membership.get_role_display()},
            code="same_role",
        )
    if _only_lead(membership):
        raise DomainError(
            _(
                "%(person)s is the only lead of %(city)s. Make someone else lead first, "
                "so that the city keeps a lead."
            ),
            params={"person": membership.user, "city": city.name},
            code="last_lead",
        )
    # The label, not its English text: the mail is written in the person's language.
    previous = Role(membership.role).label
    membership.role = role
    membership._history_user = by
    _save(membership)
    _notify_person(membership, "membership_role_changed", by=by, previous_role=previous)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by, message: str = "") -> Membership:
    """Remove an approved member; only a coordinator may remove a city's last lead."""
    city = _lock_city(membership.city)
    membership = _lock_membership(membership)
    _ensure_may_manage(by, city)
    if not membership.is_approved:
        raise DomainError(
            _("%(person)s is not an approved member of %(city)s."),
            params={"person": membership.user, "city": city.name},
            code="not_member",
        )
    if _only_lead(membership) and not permissions.is_coordinator(by):
        raise DomainError(
            _(
                "%(person)s is the only lead of %(city)s. Make someone else lead first; "
                "only a coordinator can remove a city's last lead."
            ),
            params={"person": membership.user, "city": city.name},
            code="last_lead",
        )
    _decide(membership, status=Status.REMOVED, by=by, message=message)
    _save(membership)
    hooks.membership_ended(membership)
    _notify_person(membership, "membership_removed")
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership, user) -> Membership:
    """Withdraw one's own request, or leave a city (not as its only lead)."""
    city = _lock_city(membership.city)
    membership = _lock_membership(membership)
    if membership.user_id != user.pk or membership.status not in (Status.PENDING, Status.APPROVED):
        raise DomainError(
            _("You have no open membership of %(city)s."),
            params={"city": city.name},
            code="not_member",
        )
    if _only_lead(membership):
        raise DomainError(
            _(
                "You are the only lead of %(city)s. Make another member lead before you "
                "leave, so that the city keeps a lead."
            ),
            params={"city": city.name},
            code="last_lead",
        )
    return _leave(membership, user=user)


def _leave(membership: Membership, *, user) -> Membership:
    was_approved = membership.is_approved
    _decide(membership, status=Status.REMOVED, by=user)
    _save(membership)
    if was_approved:
        hooks.membership_ended(membership)
    return membership


@transaction.atomic
def memberships_forget(*, user) -> list[Membership]:
    """For a person closing their account: leave every city and forget what they told each.

    Each open membership ends as leaving does (its round-table seats go with it), even the
    only lead's: that city's requests then go to the coordinators until it has a lead again.
    Job titles, departments and decision messages are blanked in every membership row and in
    their history, so no record keeps them.
    """
    ended = []
    for membership in Membership.objects.open().filter(user=user).order_by("city_id"):
        _lock_city(membership.city)
        locked = _lock_membership(membership)
        if locked.status in (Status.PENDING, Status.APPROVED):
            ended.append(_leave(locked, user=user))
    blank = {"job_title": "", "department": "", "decision_message": ""}
    Membership.objects.filter(user=user).update(**blank)
    Membership.history.filter(user_id=user.pk).update(**blank)
    return ended


@transaction.atomic
def city_claim(
    *,
    city: City,
    email: str,
    by,
    job_title: str = "",
    department: str = "",
) -> Membership:
    """A coordinator makes a person (by their sign-in address) an approved lead of a city."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise DomainError(
            {
                "email": _(
                    "No one has an account with this address yet. Ask them to sign up "
                    "first, then claim the city for them."
                )
            },
            code="unknown_person",
        )
    city = _lock_city(city)
    if not permissions.is_coordinator(by):
        raise DomainError(_("Only coordinators can claim a city for someone."))
    membership = Membership.objects.open().select_for_update().filter(user=user, city=city).first()
    if membership is not None and membership.is_lead:
        raise DomainError(
            {
                "email": DomainError(
                    _("%(person)s is already a lead of %(city)s."),
                    params={"person": user, "city": city.name},
                    code="already_lead",
                )
            }
        )
    if membership is None:
        membership = Membership(user=user, city=city)
    membership.role = Role.LEAD
    if job_title.strip():
        membership.job_title = job_title.strip()
    if department.strip():
        membership.department = department.strip()
    _decide(membership, status=Status.APPROVED, by=by)
    try:
        with transaction.atomic():
            _save(membership)
    except IntegrityError:
        raise DomainError(
            _("Someone changed this membership at the same moment. Please try again."),
            code="race",
        ) from None
    _notify_person(membership, "membership_approved", automatic=False)
    return membership


@transaction.atomic
def city_profile_update(
    *,
    city: City,
    by,
    description: str,
    website: str,
    contact_name: str,
    contact_title: str,
    contact_email: str,
    contact_phone: str,
) -> City:
    """Save what the city publishes about itself."""
    city = _lock_city(city)
    if not permissions.can_edit_profile(by, city):
        raise DomainError(
            _("You can no longer edit the profile of %(city)s."), params={"city": city.name}
        )
    city.description = description.strip()
    city.website = website.strip()
    city.contact_name = contact_name.strip()
    city.contact_title = contact_title.strip()
    city.contact_email = contact_email.strip()
    city.contact_phone = contact_phone.strip()
    city.full_clean()
    city.save()
    return city


@transaction.atomic
def domain_add(*, city: City, domain: str, by) -> CityEmailDomain:
    """Add an email domain to a city (or bring back one removed earlier)."""
    if not permissions.can_edit_domains(by):
        raise DomainError(_("Only coordinators can change email domains."))
    domain = normalize_domain(domain)
    existing = CityEmailDomain.objects.select_for_update().filter(domain=domain).first()
    if existing is not None and existing.is_active:
        if existing.city_id == city.pk:
            message = _("%(domain)s is already an email domain of %(city)s.")
        else:
            message = _("%(domain)s already belongs to %(city)s. Remove it there first.")
        raise DomainError(
            {
                "domain": DomainError(
                    message, params={"domain": domain, "city": existing.city.name}, code="taken"
                )
            }
        )
    row = existing or CityEmailDomain(domain=domain)
    row.city = city
    row.added_by = by
    row.added_at = timezone.now()
    row.removed_at = None
    row.removed_by = None
    row.full_clean(validate_unique=existing is None)
    row.save()
    return row


@transaction.atomic
def domain_remove(*, domain: CityEmailDomain, by) -> CityEmailDomain:
    """Stop a domain from approving people automatically (the record of it stays)."""
    if not permissions.can_edit_domains(by):
        raise DomainError(_("Only coordinators can change email domains."))
    domain = CityEmailDomain.objects.select_for_update().get(pk=domain.pk)
    if not domain.is_active:
        raise DomainError(_("%(domain)s was already removed."), params={"domain": domain.domain})
    domain.removed_at = timezone.now()
    domain.removed_by = by
    domain.save(update_fields=["removed_at", "removed_by"])
    return domain
