"""How a view says what it needs, and the one way it is refused.

A view names a rule from its app's `permissions.py`, a function of the person and of the
objects the page is about, and returns those objects from `permission_objects()`:

    class MemberListView(RequiresMixin, TemplateView):
        requires = staticmethod(permissions.can_manage_members)

        def permission_objects(self):
            return (self.city,)

Someone not signed in is sent to sign in; a signed-in person without the right gets the
site's one refusal page (403.html). A page whose very existence is private (a draft) raises
Http404 from `permission_objects()` instead.
"""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class RequiresMixin:
    requires: Callable[..., bool] | None = None
    # Anonymous visitors are asked to sign in before the rule is even read.
    login_required = True

    def permission_objects(self) -> tuple:
        return ()

    def dispatch(self, request, *args, **kwargs):
        if self.login_required and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # Asked even without a rule: it may raise Http404 for what must not be revealed.
        objects = self.permission_objects()
        rule = type(self).requires
        if rule is not None and not rule(request.user, *objects):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def kept_for_each_person(view_class):
    """Mark a read-only page that may be kept whole for each signed-in person.

    Such a page depends only on the content, the clock, the address and who asks: it writes
    nothing, reads nothing else from the session, and shows no form whose state the session
    holds. `toolkit.pagecache.PersonalPageCacheMiddleware` keeps it per person (see there).
    The mark is not inherited: a view built on a marked one is not kept unless marked too.
    """
    view_class.kept_for_each_person = True
    return view_class
