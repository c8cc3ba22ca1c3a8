from django.conf import settings


def site_url() -> str:
    """The site's public address without a trailing slash (settings.SITE_URL).

    The one answer for links in emails, calendars and downloadable files, with or without a
    request at hand.
    """
    return settings.SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """An absolute address on this site for a path such as `/cities/bell/`."""
    return site_url() + (path if path.startswith("/") else f"/{path}")
