"""Writers that turn a plan snapshot into the files people download.

A snapshot is the plain, versioned structure described in SNAPSHOT_DOC (it is
also exactly what the JSON package contains). Each writer streams to an open
binary file, so a package is never held in memory whole.
"""

import csv
import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

SNAPSHOT_VERSION = 1

SNAPSHOT_DOC = """\
The JSON package (format "smart-city-toolkit", version 1):

{
  "format": "smart-city-toolkit",
  "version": 1,
  "generated_at": ISO 8601 date-time,
  "revision": string identifying the plan's state,
  "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
  "attribution": string,
  "plan": {"title", "summary", "vision", "url"},
  "scope": {"kind": "whole" | "focus-area", "slug": string | null, "title": string},
  "focus_areas": [
    {"slug", "title", "summary", "url",
     "entries": [
       {"slug", "kind" ("policy" | "funding" | "practice"), "kind_label", "title", "summary",
        "body_markdown", "body_html", "core_values": [string], "tags": [string],
        "source": {"title", "publisher", "url"}, "also_sources": [{"title", "publisher", "url"}],
        "cost", "effort", "departments": [string], "horizon",
        "funder", "eligibility", "cycle",
        "related": [entry slug], "unverified": bool, "verification_note", "url", "updated_at"}
     ]}
  ]
}

Fields may be added in later minor changes; a field is never renamed or removed
without a new "version".
"""

CSV_COLUMNS = [
    ("focus_area", "Focus area"),
    ("kind_label", "Kind"),
    ("title", "Title"),
    ("summary", "Summary"),
    ("cost", "Typical cost"),
    ("effort", "Effort"),
    ("departments", "Departments involved"),
    ("horizon", "Time horizon"),
    ("funder", "Funder"),
    ("eligibility", "Eligibility"),
    ("cycle", "Funding cycle"),
    ("core_values", "Core values"),
    ("tags", "Tags"),
    ("source_title", "Source"),
    ("source_url", "Source link"),
    ("unverified", "Needs checking"),
    ("url", "Web page"),
    ("body_markdown", "Full text (Markdown)"),
]


def write_json(snapshot: dict, out) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    json.dump(snapshot, text, ensure_ascii=False, indent=2)
    text.write("\n")
    text.detach()


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_table(out, columns: list[tuple[str, str]], rows, *, notes=()) -> None:
    """A CSV file: each of `notes` on a line of its own after "# ", the labels, then the rows.

    Every cell is spreadsheet_safe. utf-8-sig: the byte-order mark makes spreadsheet
    programs read UTF-8 correctly.
    """
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerows([f"# {note}"] for note in notes)
    writer.writerow([label for _key, label in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(row[key]) for key, _label in columns])
    text.detach()


def write_csv(snapshot: dict, out) -> None:
    rows = (
        {
            **entry,
            "focus_area": area["title"],
            "departments": "; ".join(entry["departments"]),
            "core_values": "; ".join(entry["core_values"]),
            "tags": "; ".join(entry["tags"]),
            "source_title": entry["source"]["title"],
            "source_url": entry["source"]["url"],
            "unverified": "yes" if entry["unverified"] else "no",
        }
        for area in snapshot["focus_areas"]
        for entry in area["entries"]
    )
    write_table(out, CSV_COLUMNS, rows)


def write_pdf(snapshot: dict, out) -> None:
    with translation.override("en"):
        html = render_to_string("downloads/toolkit.pdf.html", {"snapshot": snapshot})
    write_html_as_pdf(html, out)


def write_html_as_pdf(html: str, out) -> None:
    """A PDF of a self-contained HTML page, through WeasyPrint, fetching nothing."""
    from weasyprint import HTML

    HTML(string=html, url_fetcher=_no_fetching, base_url="/").write_pdf(target=out)


def _no_fetching(url, *args, **kwargs):
    # Everything a package needs is inline; never reach another host while building.
    raise ValueError(f"packages load nothing from outside: {url}")


def write_docx(snapshot: dict, out) -> None:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = snapshot["plan"]["title"]
    document.core_properties.subject = snapshot["scope"]["title"]
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(snapshot["plan"]["title"], level=0)
    if snapshot["scope"]["kind"] != "whole":
        document.add_paragraph(snapshot["scope"]["title"], style="Subtitle")
    document.add_paragraph(snapshot["plan"]["summary"])
    document.add_paragraph(snapshot["attribution"]).italic = True
    for area in snapshot["focus_areas"]:
        document.add_heading(area["title"], level=1)
        if area["summary"]:
            document.add_paragraph(area["summary"])
        for entry in area["entries"]:
            document.add_heading(entry["title"], level=2)
            summary = document.add_paragraph()
            summary.add_run(entry["kind_label"] + ". ").bold = True
            summary.add_run(entry["summary"])
            _practical_fields_table(document, entry)
            _HtmlToDocx(document).feed(entry["body_html"])
            source = document.add_paragraph(style="Intense Quote")
            source.add_run("Source: ").bold = True
            source.add_run(f"{entry['source']['title']} ({entry['source']['publisher']}), ")
            source.add_run(entry["source"]["url"])
            if entry["unverified"]:
                note = document.add_paragraph()
                note.add_run("Needs checking: ").bold = True
                note.add_run(entry["verification_note"])
    document.save(out)


def practical_fields(entry: dict) -> list[tuple[str, str]]:
    """The fields a city needs to act, as (label, value) pairs that have a value."""
    fields = [
        ("Typical cost", entry["cost"]),
        ("Effort", entry["effort"]),
        ("Departments involved", ", ".join(entry["departments"])),
        ("Time horizon", entry["horizon"]),
        ("Funder", entry["funder"]),
        ("Eligibility", entry["eligibility"]),
        ("Funding cycle", entry["cycle"]),
        ("Core values", ", ".join(entry["core_values"])),
    ]
    return [(label, value) for label, value in fields if value]


def _practical_fields_table(document, entry: dict) -> None:
    rows = practical_fields(entry)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Light List Accent 1"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = label
        row.cells[1].text = value


class _HtmlToDocx(HTMLParser):
    """Write sanitised entry HTML (paragraphs, headings, lists, emphasis, links) as Word text."""

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph = None
        self.lists: list[str] = []
        self.bold = self.italic = False
        self.link: str | None = None

    def _start(self, style=None):
        self.paragraph = self.document.add_paragraph(style=style)

    def handle_starttag(self, tag, attrs):
        if tag == "p" and not self.lists:
            self._start()
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.paragraph = self.document.add_heading(level=3)
        elif tag in {"ul", "ol"}:
            self.lists.append(tag)
        elif tag == "li":
            self._start("List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet")
        elif tag in {"strong", "b"}:
            self.bold = True
        elif tag in {"em", "i"}:
            self.italic = True
        elif tag == "a":
            self.link = dict(attrs).get("href")
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag in {"strong", "b"}:
            self.bold = False
        elif tag in {"em", "i"}:
            self.italic = False
        elif tag == "a":
            if self.link and self.paragraph is not None:
                self.paragraph.add_run(f" ({self.link})")
            self.link = None
        elif tag in {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6"}:
            self.paragraph = None

    def handle_data(self, data):
        if not data.strip() and self.paragraph is None:
            return
        if self.paragraph is None:
            self._start()
        run = self.paragraph.add_run(data)
        run.bold = self.bold
        run.italic = self.italic


README_TEXT = """\
{title}
{underline}

{scope}

This bundle holds the same content in several formats:

  {stem}.pdf   print-ready, with a table of contents and page numbers
  {stem}.docx  editable in Word or LibreOffice: start your own plan from it
  {stem}.csv   one row per entry, for spreadsheets (UTF-8)
  {stem}.json  the full structure, for software (format described below)
  LICENSE.txt  the licence

Revision: {revision}
Built: {generated_at}
Web: {url}

{attribution}

{snapshot_doc}"""

LICENSE_TEXT = """\
{title}

This content is licensed under the Creative Commons Attribution 4.0
International licence (CC BY 4.0). To view a copy of the licence, visit
https://creativecommons.org/licenses/by/4.0/legalcode

You may share, adapt and build on it for any purpose, even commercially, as
long as you give appropriate credit, link to the licence and say whether you
made changes. Suggested credit:

{attribution}

Each entry also cites the source its facts come from; those sources keep
their own terms.
"""


def write_zip(snapshot: dict, out, *, members: dict[str, Path], stem: str) -> None:
    """Bundle the already-built files with a read-me and the licence."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for extension, path in members.items():
            bundle.write(path, f"{stem}.{extension}")
        context = {
            "title": snapshot["plan"]["title"],
            "underline": "=" * len(snapshot["plan"]["title"]),
            "scope": snapshot["scope"]["title"],
            "stem": stem,
            "revision": snapshot["revision"],
            "generated_at": snapshot["generated_at"],
            "url": snapshot["plan"]["url"],
            "attribution": snapshot["attribution"],
            "snapshot_doc": SNAPSHOT_DOC,
        }
        bundle.writestr("README.txt", README_TEXT.format(**context))
        bundle.writestr("LICENSE.txt", LICENSE_TEXT.format(**context))
