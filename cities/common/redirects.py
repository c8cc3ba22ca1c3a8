from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The `next` address the request carries (form first, then query), or `default`.

    Only a path on this site is followed: it must start with one slash, so values such as
    `0`, `foo`, `//example.org` or `javascript:alert(1)` fall back to the default.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def redirect_next(request, default: str) -> HttpResponseRedirect:
    """Redirect to the request's safe `next` address, or to `default`.

    Never `redirect(value)`: it takes a plain string for a URL name.
    """
    return HttpResponseRedirect(safe_next(request, str(default)))
