"""Markdown (entries, visions, agendas, minutes) renders to clean HTML: formatting survives,
scripts never do; calendars and emails get its plain text."""

from cities.common.text import plain_text, render_markdown


def test_markdown_formatting_becomes_html():
    html = render_markdown(
        "### How to start\n\n1. **Ask** staff\n2. List [projects](https://example.org)"
    )
    assert "<h3>How to start</h3>" in html
    assert "<ol>" in html and "<strong>Ask</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">projects</a>' in html


def test_a_script_in_the_body_is_removed():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "alert" not in html


def test_javascript_and_data_links_lose_their_address():
    html = render_markdown("[click](javascript:alert(1)) and <a href='data:text/html,x'>data</a>")
    assert "javascript:" not in html
    assert "data:" not in html
    assert "click" in html


def test_event_handlers_styles_and_images_are_dropped():
    html = render_markdown('<p onclick="steal()" style="color:red">Hi</p><img src="x" onerror="y">')
    assert "onclick" not in html and "style=" not in html
    assert "<img" not in html and "onerror" not in html
    assert "Hi" in html


def test_mailto_links_are_kept():
    assert 'href="mailto:innovation@example.org"' in render_markdown(
        "[Write to us](mailto:innovation@example.org)"
    )


def test_headings_are_shifted_so_the_page_outline_never_skips_a_level():
    assert "<h3>Top</h3>" in render_markdown("# Top\n\n## Next")
    assert "<h4>Next</h4>" in render_markdown("# Top\n\n## Next")
    assert "<h2>Top</h2>" in render_markdown("### Top", top_heading=2)


def test_empty_text_renders_as_nothing():
    assert render_markdown("") == ""


def test_an_agenda_reads_as_plain_text_in_calendars_and_emails():
    text = plain_text(
        "## Agenda\n\n1. **Welcome** & coffee\n2. <script>x()</script>[Data](https://e.org)"
    )
    assert "<" not in text and "**" not in text
    assert "Agenda" in text and "Welcome & coffee" in text and "Data" in text
