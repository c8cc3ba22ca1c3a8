"""Hostile values, and the forms of a page as a browser reads them (tests/test_hostile_input.py).

`forms_of(page, url)` lists a page's forms with their fields, and `baseline()` is what a browser
would send; `one_at_a_time` gives that with one field changed to each hostile value that fits
it (`values_for`), and `all_at_once` with every field given the worst. `echoed_marker` and
`unsafe_redirect` say what is wrong with a response.
"""

import copy
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import url_has_allowed_host_and_scheme

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
# What must never reach a page unescaped: the script, and the image tag's start.
MARKERS = (SCRIPT, "<img src=x onerror")
LONG = "Long text " * 1000  # 10,000 characters
BIDI = "\u202eevil\u200b\u200bname"  # a right-to-left override and zero-width spaces
EMPTY = ""
BLANK = "  \t  "
HUGE = "99999999999999999999"
NUMBERS = ("-1", HUGE, "1e309", "NaN")
DATES = ("9999-12-31", "0001-01-01", "2024-02-30")
REDIRECTS = ("0", "//example.org", "javascript:alert(1)")


class Missing:
    """The field is left out of the submission altogether."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = Missing()

TEXT_KINDS = {"text", "search", "textarea", "email", "url", "tel", "password", ""}
CHOICE_KINDS = {"select", "radio", "checkbox", "submit"}
# Kinds a browser never sends, or that carry no value of the person's.
IGNORED_KINDS = {"button", "reset", "image"}
CSRF = "csrfmiddlewaretoken"


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select", "textarea", "submit"
    values: list[str] = field(default_factory=list)  # what a browser sends as it stands
    options: list[str] = field(default_factory=list)  # what is offered, for choices
    required: bool = False
    multiple: bool = False


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # a path on this site, with its query if any
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        """Two forms with the same target and fields are the same form, whatever the page."""
        return (self.method, self.action, tuple(sorted(self.fields)))

    def baseline(self) -> dict[str, list]:
        """What a browser sends when the form is submitted as it stands."""
        return {name: list(f.values) for name, f in self.fields.items() if f.values}


class _FormParser(HTMLParser):
    """Every <form> of a page with its fields, including those outside it with form="id"."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.orphans: list[tuple[str, dict]] = []  # (form id, attrs) seen before their form
        self.current: Form | None = None
        self.select: Field | None = None
        self.option: dict | None = None
        self.option_text = ""
        self.textarea: Field | None = None
        self.submitted: set[int] = set()  # the forms whose first submit button is seen
        self.elsewhere: list[tuple[Form, str]] = []  # buttons that send their form elsewhere

    def target(self, action: str) -> str | None:
        """The path (and query) an action leads to, if it is on this site."""
        parts = urlsplit(urljoin(self.page_url, action))
        if parts.netloc and parts.netloc != "testserver":
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def owner(self, attrs: dict) -> Form | None:
        if attrs.get("form"):
            return self.by_id.get(attrs["form"])
        return self.current

    def field(self, form: Form, name: str, kind: str, attrs: dict) -> Field:
        existing = form.fields.get(name)
        if existing is None:
            existing = form.fields[name] = Field(name=name, kind=kind)
        existing.required = existing.required or "required" in attrs
        return existing

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            target = self.target(attrs.get("action") or self.page_url)
            if target is None:
                return  # a form to another site is not ours to try
            self.current = Form(method=(attrs.get("method") or "get").lower(), action=target)
            self.forms.append(self.current)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self.current
            return
        if tag not in ("input", "select", "option", "textarea", "button"):
            return
        if tag == "option":
            self.option, self.option_text = attrs, ""
            return
        form = self.owner(attrs)
        name = attrs.get("name")
        is_submit = (tag == "button" and attrs.get("type", "submit") == "submit") or (
            tag == "input" and attrs.get("type") == "submit"
        )
        # Enter sends the form's first submit button, if it has a name.
        default_button = is_submit and form is not None and id(form) not in self.submitted
        if default_button:
            self.submitted.add(id(form))
        if form is not None and is_submit and attrs.get("formaction"):
            self.elsewhere.append((form, self.target(attrs["formaction"])))
            return
        if form is None or not name or "disabled" in attrs:
            return
        if tag == "select":
            self.select = self.field(form, name, "select", attrs)
            self.select.multiple = "multiple" in attrs
        elif tag == "textarea":
            self.textarea = self.field(form, name, "textarea", attrs)
            self.textarea.values = [""]
        elif tag == "button" or is_submit:
            if not is_submit:
                return
            button = self.field(form, name, "submit", attrs)
            button.options.append(attrs.get("value", ""))
            if default_button:
                button.values = [attrs.get("value", "")]
        else:
            kind = attrs.get("type", "text").lower()
            if kind in IGNORED_KINDS:
                return
            input_field = self.field(form, name, kind, attrs)
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                input_field.options.append(value)
                input_field.multiple = kind == "checkbox"
                if "checked" in attrs:
                    input_field.values.append(value)
            elif kind != "file":
                input_field.values = [value]

    def handle_data(self, data):
        if self.option is not None:
            self.option_text += data
        elif self.textarea is not None:
            self.textarea.values = [self.textarea.values[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            text = self.textarea.values[0]
            self.textarea.values = [text[1:] if text.startswith("\n") else text]
            self.textarea = None
        elif tag == "select":
            if self.option is not None:
                self.handle_endtag("option")
            if self.select is not None and not self.select.values and not self.select.multiple:
                self.select.values = self.select.options[:1]
            self.select = None
        elif tag == "option" and self.option is not None:
            if self.select is not None:
                value = self.option.get("value", self.option_text.strip())
                self.select.options.append(value)
                if "selected" in self.option:
                    if not self.select.multiple:
                        self.select.values = []
                    self.select.values.append(value)
            self.option = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "option":
            self.handle_endtag("option")


def forms_of(page: str, page_url: str) -> list[Form]:
    """The forms of a page (with the fields a browser would know of)."""
    parser = _FormParser(page_url)
    parser.feed(page)
    parser.close()
    # A button with `formaction` sends the same fields to another address.
    for form, action in parser.elsewhere:
        if action is not None:
            fields = copy.deepcopy(form.fields)
            parser.forms.append(Form(method=form.method, action=action, fields=fields))
    return parser.forms


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(page: str, page_url: str) -> list[tuple[str, str]]:
    """The addresses on this site that a page links to, as (path, query), in order."""
    parser = _LinkParser()
    parser.feed(page)
    links = set()
    for href in parser.hrefs:
        parts = urlsplit(urljoin(page_url, href))
        if parts.scheme in ("http", "https", "") and parts.netloc in ("", "testserver"):
            links.add((parts.path, parts.query))
    return sorted(links)


def form_of_link(path: str, query: str) -> Form | None:
    """A link with a query (`?page=2`, `?next=…`) is a form a person can type into too."""
    values = parse_qs(query, keep_blank_values=True)
    if not values:
        return None
    form = Form(method="get", action=path)
    for name, given in values.items():
        form.fields[name] = Field(name=name, kind="hidden", values=given)
    return form


# --- What to send -----------------------------------------------------------------------


def wrong_files() -> list:
    """A file of the wrong type under a name that claims otherwise, and a program."""
    return [
        SimpleUploadedFile("slides.pdf", SCRIPT.encode(), content_type="text/html"),
        SimpleUploadedFile("slides.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/x-msdos"),
        "not-a-file",
    ]


def values_for(one: Field, foreign_ids: list[str], taken: list[str] = ()) -> list:
    """The hostile values that fit a field, one at a time.

    `foreign_ids` are ids of another city's rows; `taken` are values other forms of the site
    hold in a field of this name (a title already used, say).
    """
    if one.name == CSRF:
        return []
    offered = set(one.options)
    others = [pk for pk in foreign_ids if pk not in offered][:3]
    if one.kind == "hidden":
        hostile = [*REDIRECTS, MISSING, EMPTY, "-1", HUGE, SCRIPT]
        current = one.values[0] if one.values else ""
        return hostile + (others if current.isdigit() else [])
    if one.kind == "file":
        return wrong_files()
    if one.kind in ("number", "range"):
        return [*NUMBERS, EMPTY, BLANK, SCRIPT]
    if one.kind == "date":
        return [*DATES, EMPTY, SCRIPT]
    if one.kind == "datetime-local":
        return [*(f"{date}T10:00" for date in DATES), "9999-12-31", EMPTY, SCRIPT]
    if one.kind in ("time", "month", "week"):
        return ["25:61", "9999-99", EMPTY, SCRIPT]
    if one.kind in CHOICE_KINDS:
        # Choices that are not offered, another city's rows, and none at all.
        hostile = [SCRIPT, "-1", HUGE, EMPTY, *others, MISSING]
        # Other offered choices (the other buttons, say), a few of them.
        hostile += [option for option in one.options if option not in one.values][:2]
        return hostile
    already = [value for value in taken if value not in one.values][:2]
    return [LONG, SCRIPT, BIDI, EMPTY, BLANK, *already]


def all_at_once(form: Form) -> list[tuple[str, dict]]:
    """Every field (but the CSRF token) given the same worst value, or left out."""
    variants = []
    worst = [("script", SCRIPT), ("image", IMAGE), ("long", LONG), ("huge", HUGE), ("empty", EMPTY)]
    for label, value in worst:
        data = {CSRF: form.fields[CSRF].values} if CSRF in form.fields else {}
        for name, one in form.fields.items():
            if name != CSRF:
                data[name] = [value] if one.kind != "file" else [wrong_files()[0]]
        variants.append((f"every field = {label}", data))
    missing = {CSRF: form.fields[CSRF].values} if CSRF in form.fields else {}
    variants.append(("every field missing", missing))
    return variants


def one_at_a_time(
    form: Form, base: dict, foreign_ids: list[str], taken: dict[str, list[str]], played: set
) -> Iterator[tuple[str, dict]]:
    """The base submission with one field changed to each hostile value that fits it.

    A field already in `played` is left as it is; so is the same field of another form of a
    formset (`form-1-label` after `form-0-label`). The fields played are added to `played`.
    """
    for name, one in form.fields.items():
        same = re.sub(r"-\d+-", "-0-", name)
        if same in played:
            continue
        played.add(same)
        for value in values_for(one, foreign_ids, taken.get(name, [])):
            data = {key: list(values) for key, values in base.items()}
            if value is MISSING:
                data.pop(name, None)
            else:
                data[name] = [value]
            yield f"{name} = {describe(value)}", data


def describe(value) -> str:
    if isinstance(value, SimpleUploadedFile):
        return f"file {value.name} ({value.content_type})"
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:20]!r}… ({len(value)} characters)"
    return repr(value)


# --- What must not come back --------------------------------------------------------------


def echoed_marker(response) -> str | None:
    """A hostile marker that an HTML response carries as markup, not as text."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    body = response.content.decode(errors="replace")
    return next((marker for marker in MARKERS if marker in body), None)


def unsafe_redirect(response, relative_too: bool = True) -> tuple[str, str] | None:
    """What is unsafe about a redirect's target, and the target, or None.

    Off the site and scripts are unsafe; so is a relative address (`0` after a form posted to
    /x/y/ lands on /x/0), as a bad `next` must fall back to a page of the site.
    """
    if not 300 <= response.status_code < 400 or not response.has_header("Location"):
        return None
    location = response["Location"]
    stripped = html.unescape(location).strip().lower()
    if stripped.startswith(("javascript:", "data:", "vbscript:")):
        return "redirects to a script", location
    if not url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}):
        return "redirects off the site", location
    on_site = location.startswith("/") or location.startswith("http://testserver/")
    if relative_too and not on_site:
        return "redirects to a relative address", location
    return None


def server_errors(client, users: list, values: list, requests) -> list[tuple[str, str, int]]:
    """As each user (None: signed out), for each value, make the requests `requests(value)`
    gives as (method, url, data); those answered with a server error, as (method, url, status).
    """
    answers = []
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for value in values:
            for method, url, data in requests(value):
                answers.append((method, url, getattr(client, method)(url, data).status_code))
    return [answer for answer in answers if answer[2] >= 500]
