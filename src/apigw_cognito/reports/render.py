"""Every report format by its `--report` name."""

from __future__ import annotations

from collections.abc import Callable

from apigw_cognito.reports.json_report import render_json
from apigw_cognito.reports.junit import render_junit
from apigw_cognito.reports.markdown import render_markdown
from apigw_cognito.reports.model import Report
from apigw_cognito.reports.sarif import render_sarif
from apigw_cognito.reports.text import render_text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "junit": render_junit,
}
