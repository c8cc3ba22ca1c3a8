"""Server errors reach someone: mail to ADMINS (settings.LOGGING) and, with SENTRY_DSN, Sentry.

Nothing personal leaves the site in an error report: Sentry is told not to send personal
data, and `personal_data_scrubbed` removes what could still name or locate a person (cookies,
credentials, forwarded addresses, the user's email, name and IP address) before an event goes.
"""

from email.utils import getaddresses

FILTERED = "[Filtered]"
# Header names holding credentials, session ids or a client's address.
_PERSONAL_HEADER_PARTS = ("auth", "cookie", "forwarded", "-ip", "token")
_PERSONAL_USER_FIELDS = ("email", "ip_address", "username", "name")


def admins(value: str) -> list[tuple[str, str]]:
    """ADMINS from "Name <email>, Other <email>": (name, address) pairs, blanks dropped."""
    return [(name, address) for name, address in getaddresses([value]) if "@" in address]


def _is_personal_header(name: str) -> bool:
    return any(part in name.lower() for part in _PERSONAL_HEADER_PARTS)


def personal_data_scrubbed(event: dict, hint: dict | None = None) -> dict:
    """The Sentry event without cookies, credentials, client addresses or the user's identity."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: FILTERED if _is_personal_header(name) else value
                for name, value in headers.items()
            }
        if isinstance(request.get("env"), dict):
            request["env"].pop("REMOTE_ADDR", None)
    user = event.get("user")
    if isinstance(user, dict):
        for field in _PERSONAL_USER_FIELDS:
            user.pop(field, None)
    return event


def sentry_init(dsn: str, *, environment: str) -> None:
    """Send errors to Sentry, with personal data left out and scrubbed."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        before_send=personal_data_scrubbed,
        # Errors only: no performance tracing, no profiles.
        traces_sample_rate=0,
    )
