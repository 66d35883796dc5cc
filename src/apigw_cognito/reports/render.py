"""Every report format by its `--report` name.

Each renderer's module is imported when that format is first rendered: SARIF (hashlib) and JUnit (the XML
library) would otherwise cost every run's start-up for formats most runs never print.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from apigw_cognito.reports.model import Report

_WHERE = {
    "text": ("text", "render_text"),
    "json": ("json_report", "render_json"),
    "markdown": ("markdown", "render_markdown"),
    "sarif": ("sarif", "render_sarif"),
    "junit": ("junit", "render_junit"),
}


def _renderer(name: str) -> Callable[[Report], str]:
    module, function = _WHERE[name]

    def render(report: Report) -> str:
        found: Callable[[Report], str] = getattr(
            importlib.import_module(f"apigw_cognito.reports.{module}"), function
        )
        return found(report)

    render.__name__ = function
    return render


RENDERERS: dict[str, Callable[[Report], str]] = {name: _renderer(name) for name in _WHERE}
