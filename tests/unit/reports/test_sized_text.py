"""The text report of `apply` is sized for people: changed rows and rows needing attention, repeated
warnings counted, and `--full-report` for everything. Machine formats stay complete."""

from __future__ import annotations

import json

from apigw_cognito.basics.errors import Finding, Location
from apigw_cognito.reports.json_report import render_json
from apigw_cognito.reports.model import Report, Row, RuleLine
from apigw_cognito.reports.text import SCREEN_ROWS, SHOWN_PER_WARNING, render_text


def big_report(operations: int = 200) -> Report:
    rows = []
    findings = []
    for i in range(operations):
        where = Location("api.yaml", i + 10, 5)
        rows.append(
            Row(
                "GET",
                f"/r{i}",
                None,
                "secured",
                authorizer="Pool",
                rule="rule 1",
                changed=i < 3,
                location=where,
            )
        )
        findings.append(Finding("warning", "AGC205", f"GET /r{i} has no integration", where))
    rows.append(
        Row(
            "GET",
            "/lost",
            None,
            "unmatched",
            rule="no rule (default: deny)",
            location=Location("api.yaml", 3, 5),
        )
    )
    errored = Location("api.yaml", 5, 5)
    rows.append(
        Row("PUT", "/bad", None, "secured", authorizer="Pool", rule="rule 2", changed=False, location=errored)
    )
    findings.append(
        Finding("error", "AGC101", "GET /lost is selected by no rule", Location("api.yaml", 3, 5))
    )
    findings.append(Finding("error", "AGC309", "PUT /bad cannot be expressed", errored))
    return Report(command="apply", document="api.yaml", openapi="3.0", rows=rows, findings=findings)


def table_paths(text: str) -> list[str]:
    return [line.split()[1] for line in text.splitlines() if line.startswith(("GET ", "PUT "))]


def test_only_changed_and_attention_rows_and_a_count_of_the_rest() -> None:
    text = render_text(big_report())
    assert table_paths(text) == ["/r0", "/r1", "/r2", "/lost", "/bad"]
    assert "(197 unchanged operations not shown; --full-report shows every row)" in text
    warnings = [line for line in text.splitlines() if "warning AGC205" in line]
    assert len(warnings) == SHOWN_PER_WARNING
    assert (
        f"... and {200 - SHOWN_PER_WARNING} other AGC205 warnings like these (--full-report lists them)"
        in text
    )
    assert "error AGC101" in text
    assert "error AGC309" in text
    assert text.splitlines()[-1] == (
        "api.yaml: 202 operations, 201 secured, 0 public, 0 open, 1 undecided, 3 changed, 0 of 0 schemes"
        " changed, 2 errors, 200 warnings"
    )
    assert len(text.splitlines()) < 20


def test_full_report_shows_everything() -> None:
    text = render_text(big_report(), full=True)
    assert len(table_paths(text)) == 202
    assert sum(1 for line in text.splitlines() if "warning AGC205" in line) == 200
    assert "not shown" not in text
    assert "like these" not in text


def test_machine_formats_stay_complete() -> None:
    data = json.loads(render_json(big_report()))
    assert len(data["operations"]) == 202
    assert len(data["findings"]) == 202


def test_other_commands_show_every_row() -> None:
    report = big_report()
    report.command = "audit"
    assert len(table_paths(render_text(report))) == 202


def first_run(rules: int = 2) -> Report:
    """Every operation changed: 120 by rule 1, 80 by rule 2 (of `rules`), one OPEN by nothing."""
    rows = [
        Row("GET", f"/r{i}", None, "secured", authorizer="Pool", rule="rule 1" if i < 120 else "rule 2",
            changed=True, location=Location("api.yaml", i + 10, 5))
        for i in range(200)
    ]  # fmt: skip
    rows.append(Row("GET", "/lost", None, "unmatched", rule="no rule (default: deny)"))
    lines = [RuleLine(f"rule {i}", f"GET /r{i}*", "Pool") for i in range(1, rules + 1)]
    return Report(command="apply", document="api.yaml", rows=rows, rules=lines)


def test_a_first_run_counts_changed_rows_per_rule() -> None:
    text = render_text(first_run())
    lines = text.splitlines()
    assert lines[:4] == [
        "RULE    SELECTS   AUTHORIZATION  DECIDED  CHANGED",
        "------  --------  -------------  -------  -------",
        "rule 1  GET /r1*  Pool           120      120",
        "rule 2  GET /r2*  Pool           80       80",
    ]
    assert (
        "(200 changed operations counted per rule above, not listed; --full-report lists every row)" in lines
    )
    assert table_paths(text) == ["/lost"], "the rows needing attention are still listed"
    assert len(table_paths(render_text(first_run(), full=True))) == 201


def test_the_rows_stay_when_rules_would_not_be_shorter() -> None:
    assert len(table_paths(render_text(first_run(rules=250)))) == 201
    report = first_run()
    report.rows = report.rows[: SCREEN_ROWS - 1]
    assert len(table_paths(render_text(report))) == SCREEN_ROWS - 1
