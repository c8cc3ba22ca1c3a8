"""The accessibility check itself must be able to fail, or it proves nothing."""

import json

import pytest

from tests.e2e.conftest import AXE_RUNNER, AXE_SOURCE, AXE_TAGS, AxeMonitor, wait_for_axe

pytestmark = pytest.mark.e2e

INACCESSIBLE_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken page</h1><img src="chart.png"><input type="text"></main></body></html>"""


def test_the_axe_monitor_reports_the_rule_and_the_element_of_a_violation(browser):
    monitor = AxeMonitor()
    context = browser.new_context()
    context.expose_binding("__axeStarted", monitor.on_started)
    context.expose_binding("__axeReport", monitor.on_report)
    context.add_init_script(AXE_SOURCE.read_text(encoding="utf-8"))
    context.add_init_script(AXE_RUNNER % {"tags": json.dumps(AXE_TAGS), "document_id_prefix": "t"})
    context.route(
        "http://broken.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=INACCESSIBLE_PAGE),
    )
    page = context.new_page()
    page.goto("http://broken.test/")
    wait_for_axe(page, monitor)
    context.close()

    rules = {violation["id"] for _url, violations in monitor.violations for violation in violations}
    assert {"image-alt", "label"} <= rules
    report = monitor.describe()
    assert "image-alt" in report and '<img src="chart.png">' in report
