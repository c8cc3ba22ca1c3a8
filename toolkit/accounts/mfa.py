"""Two-step verification (allauth's MFA: an authenticator app, with recovery codes).

Optional for everyone, offered on the profile page; required of those whose rights reach beyond
their own cities: coordinators (who approve cities' staff and choose the email domains that
approve members automatically), grant staff and site admins. Until they have set up an
authenticator app, every page but their account's sends them to set it up.
"""

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cities.permissions import is_coordinator
from toolkit.grant.views import is_grant_staff

CHECKED_UNTIL = "mfa_not_needed_until"
RECHECK_SECONDS = 60
# The account's own pages, in every language (signing out, email, password, the MFA setup),
# and the public API, which answers everyone alike and grants no rights.
_OPEN_TO_ALL = re.compile(r"^/(?:(?:[a-z]{2}(?:-[a-z]+)?/)?accounts/|api/)")


def has_privileged_role(user) -> bool:
    """A site admin, coordinator or grant staff: rights beyond the person's own cities."""
    return user.is_staff or user.is_superuser or is_coordinator(user) or is_grant_staff(user)


def has_authenticator_app(user) -> bool:
    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def must_set_up_mfa(session, user) -> bool:
    """Whether the signed-in person holds a privileged role without an authenticator app.

    A "no" is remembered in the session for RECHECK_SECONDS (from signing in, see
    `remember_at_sign_in`), so a signed-in page costs no query for it (the roles take two); a
    role given meanwhile is enforced within that time. A "yes" is never remembered: the person
    is let through as soon as they have set it up.
    """
    if not settings.MFA_REQUIRED_FOR_PRIVILEGED_ROLES or not user.is_authenticated:
        return False
    if session.get(CHECKED_UNTIL, 0) > time.time():
        return False
    needed = has_privileged_role(user) and not has_authenticator_app(user)
    if not needed:
        session[CHECKED_UNTIL] = time.time() + RECHECK_SECONDS
    return needed


def remember_at_sign_in(sender, request, user, **kwargs) -> None:
    """Decide at sign-in, so the pages that follow find the answer in the session."""
    if request is not None and hasattr(request, "session"):
        must_set_up_mfa(request.session, user)


class PrivilegedRolesNeedMfaMiddleware:
    """Send a coordinator, grant staff or site admin without an authenticator app to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _OPEN_TO_ALL.match(request.path_info) and must_set_up_mfa(
            request.session, request.user
        ):
            messages.warning(
                request,
                _(
                    "Your role gives you rights over the whole collaborative, so your account "
                    "needs two-step verification. Set up an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
