"""A first `apply` of a big document: every operation changes, so the text report counts them per rule and
lists only the rows that need attention; `--full-report` and the machine formats keep every row."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from apigw_cognito.reports.text import SCREEN_ROWS
from tests.support.paths import corpus_file

POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def tag_counts(data: dict[str, Any]) -> Counter[str]:
    """Operations per first tag, from the document (GitHub's operations have one tag each)."""
    return Counter(
        op["tags"][0] for item in data["paths"].values() for key, op in item.items() if key in METHODS
    )


def selector_for(tags: list[str]) -> str:
    rules = "".join(f"  - select: {{tags: [{t}]}}\n    authorizer: Pool\n" for t in tags)
    return f"version: 1\nauthorizers:\n  Pool:\n    user_pools: [{POOL}]\nrules:\n{rules}default: deny\n"


@pytest.fixture(scope="module")
def github() -> tuple[Path, dict[str, Any]]:
    spec = corpus_file("github-api.json")
    return spec, json.loads(spec.read_bytes())


def test_every_operation_changes_and_the_report_counts_them_per_rule(
    github: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    spec, data = github
    counts = tag_counts(data)
    selector = tmp_path / "sel.yaml"
    selector.write_text(selector_for(list(counts)))
    args = ("apply", str(spec), "-s", str(selector), "-o", str(tmp_path / "out.json"), "--no-validate")
    code, text = run(*args)
    assert code == 0, text[-2000:]
    lines = text.splitlines()
    assert len(lines) < len(counts) + 20, "one line per rule, not one per operation"
    for i, (tag, n) in enumerate(counts.items(), 1):
        assert re.search(rf"^rule {i} +\{{tags: \[{re.escape(tag)}\]\}} +Pool +{n} +{n}$", text, re.M), tag
    assert not [line for line in lines if line.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE "))]
    assert (
        "(1223 changed operations counted per rule above, not listed; --full-report lists every row)" in lines
    )
    assert lines[-1].endswith(
        "1223 operations, 1223 secured, 0 public, 0 open, 1223 changed, 1 of 1 scheme"
        " changed, 0 errors, 1223 warnings"
    )
    code, full = run(*args, "--full-report")
    assert code == 0
    assert sum(1 for line in full.splitlines() if re.match(r"^(GET|POST|PUT|PATCH|DELETE) +/", line)) == 1223
    code, report = run(*args, "--report", "json")
    assert len(json.loads(report)["operations"]) == 1223


def test_rows_that_need_attention_are_still_listed(
    github: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    spec, data = github
    counts = tag_counts(data)
    left_out = {"emojis", "rate-limit", "licenses"}  # 1 + 1 + 3 operations no rule decides
    selector = tmp_path / "sel.yaml"
    selector.write_text(selector_for([t for t in counts if t not in left_out]))
    code, text = run("apply", str(spec), "-s", str(selector), "--check", "--no-validate")
    assert code == 1
    rows = [line for line in text.splitlines() if re.match(r"^(GET|POST|PUT|PATCH|DELETE) +/", line)]
    assert len(rows) == sum(counts[t] for t in left_out) == 5
    assert all(re.search(r" unmatched +no rule \(default: deny\) +no$", row) for row in rows), rows
    assert sum(1 for line in text.splitlines() if line.startswith("rule ")) == len(counts) - len(left_out)
    assert len(text.splitlines()) < SCREEN_ROWS + len(counts)


def test_preflights_and_the_default_get_their_own_lines(tmp_path: Path) -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    paths = {f"/p{i}": {"get": ok, "post": ok, "options": ok} for i in range(60)}
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths}))
    selector = tmp_path / "sel.yaml"
    selector.write_text(
        f"version: 1\nauthorizers:\n  Pool:\n    user_pools: [{POOL}]\nrules:\n"
        "  - select: GET /**\n    authorizer: Pool\n    scopes: [a/read]\ndefault: Pool\n"
    )
    code, text = run(
        "apply", str(spec), "-s", str(selector), "-o", str(tmp_path / "out.json"), "--no-validate"
    )
    assert code == 0, text
    assert text.splitlines()[:5] == [
        "RULE            SELECTS                     AUTHORIZATION  DECIDED  CHANGED",
        "--------------  --------------------------  -------------  -------  -------",
        "rule 1          GET /**                     Pool [a/read]  60       60",
        "cors_preflight  OPTIONS no rule decides     public         60       60",
        "default         operations no rule selects  Pool           60       60",
    ]
