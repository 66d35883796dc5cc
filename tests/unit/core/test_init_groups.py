"""`init` on big documents: a grouped starter that `apply` accepts and that decides every operation as the
one-rule-per-operation starter would.

The decisions are checked against a model written here from docs/selector.md and the starter's documented
choices (a preflight is public, `security: []` is public, a Cognito scheme the operation names is kept with
its scopes, every other operation gets the proposed authorizer), and the selector's text is read by an
interpreter written here too (first match wins; tags exact; path globs segment by segment), never by the
tool's own matching.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from apigw_cognito.core.starter import PLACEHOLDER_POOL
from apigw_cognito.selector.parsing import MAX_SELECTOR_BYTES
from tests.support.paths import corpus_file
from tests.support.selector_model import OPERATION_KEYS as METHODS

POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
Decision = tuple[str, str | None, tuple[str, ...]]  # (public | secured, authorizer, scopes)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def operations(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (METHODS[key], path, op)
        for path, item in data["paths"].items()
        for key, op in item.items()
        if key in METHODS
    ]


def cognito_schemes(data: dict[str, Any]) -> list[str]:
    schemes = data.get("components", {}).get("securitySchemes", {})
    return [n for n, s in schemes.items() if s.get("x-amazon-apigateway-authtype") == "cognito_user_pools"]


def expected_decisions(data: dict[str, Any], proposed: str) -> dict[str, Decision]:
    """What the per-operation starter decides for each operation, from the document alone."""
    existing = cognito_schemes(data)
    default = existing[0] if existing else proposed
    out: dict[str, Decision] = {}
    for method, path, op in operations(data):
        security = op.get("security")
        decision: Decision = ("secured", default, ())
        if method == "OPTIONS" or security == []:
            decision = ("public", None, ())
        elif isinstance(security, list):
            named = [(n, s) for req in security for n, s in req.items() if n in existing]
            if named:
                decision = ("secured", named[0][0], tuple(named[0][1]))
        out[f"{method} {path}"] = decision
    return out


def path_regex(glob: str) -> str:
    """A path glob as a regex over the path (the root `/` read as no segments)."""
    if glob == "/":
        return ""
    parts = []
    for segment in glob.strip("/").split("/"):
        parts.append(
            "(?:/[^/]*)*" if segment == "**" else "/" + "[^/]*".join(map(re.escape, segment.split("*")))
        )
    return "".join(parts)


def selects(select: Any, method: str, path: str, tags: list[str], op_id: str | None) -> bool:
    bare = "" if path == "/" else path
    if isinstance(select, str):
        if select == "*":
            return True
        methods, glob = select.split(" ", 1)
        return (methods == "*" or method in methods.upper().split(",")) and bool(
            re.fullmatch(path_regex(glob), bare)
        )
    if "methods" in select and method not in [m.upper() for m in select["methods"]]:
        return False
    if "paths" in select and not any(re.fullmatch(path_regex(g), bare) for g in select["paths"]):
        return False
    if "tags" in select and not set(select["tags"]) & set(tags):
        return False
    if "operation_ids" in select:
        return op_id is not None and any(
            re.fullmatch(".*".join(map(re.escape, g.split("*"))).replace(r"\?", "."), op_id)
            for g in select["operation_ids"]
        )
    return True


def names_options(select: Any) -> bool:
    if isinstance(select, str):
        return "OPTIONS" in select.split(" ", 1)[0].upper().split(",")
    return "OPTIONS" in [m.upper() for m in select.get("methods", [])]


def interpret(selector: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Decision], list[int]]:
    """Each operation's decision under `selector` (first match wins, preflights public unless a rule
    names OPTIONS), and how many operations each rule decides."""
    assert selector["default"] == "deny"
    assert selector.get("cors_preflight", "public") == "public"
    decided = [0] * len(selector["rules"] or [])
    out: dict[str, Decision] = {}
    for method, path, op in operations(data):
        for i, rule in enumerate(selector["rules"] or []):
            if not selects(rule["select"], method, path, op.get("tags", []), op.get("operationId")):
                continue
            if method == "OPTIONS" and not rule.get("public") and not names_options(rule["select"]):
                continue
            decided[i] += 1
            out[f"{method} {path}"] = (
                ("public", None, ())
                if rule.get("public")
                else ("secured", rule["authorizer"], tuple(rule.get("scopes", ())))
            )
            break
        else:
            if method == "OPTIONS":
                out[f"{method} {path}"] = ("public", None, ())
    return out, decided


def starter(spec: Path, *options: str) -> tuple[str, dict[str, Any]]:
    code, text, stderr = run("init", str(spec), *options)
    assert code == 0, stderr
    return text, yaml.safe_load(text.replace(PLACEHOLDER_POOL, POOL))


def applied(spec: Path, text: str, tmp_path: Path) -> dict[str, Decision]:
    """The decisions `apply` reports for `spec` under the starter `text`, pool filled in."""
    selector = tmp_path / "starter.selector.yaml"
    selector.write_text(text.replace(PLACEHOLDER_POOL, POOL))
    out = tmp_path / f"out{spec.suffix}"
    code, stdout, stderr = run(
        "apply", str(spec), "-s", str(selector), "-o", str(out), "--no-validate", "--report", "json"
    )
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    report = json.loads(stdout)
    assert not [f for f in report["findings"] if f["level"] == "error"]
    return {
        f"{o['method']} {o['path']}": (
            o["decision"],
            o["authorizer"] if o["decision"] == "secured" else None,
            tuple(o["scopes"]),
        )
        for o in report["operations"]
    }


def test_github_starter_is_grouped_accepted_and_decides_as_one_rule_per_operation(tmp_path: Path) -> None:
    spec = corpus_file("github-api.json")
    data = json.loads(spec.read_bytes())
    expected = expected_decisions(data, "GitHubUserPool")
    assert len(expected) == 1223
    text, selector = starter(spec)
    assert len(text.encode()) < MAX_SELECTOR_BYTES
    rules = selector["rules"]
    assert len(rules) <= 60, "a few screens of rules, not one per operation"
    assert len(text.splitlines()) <= 200
    assert selector["default"] == "deny"
    decisions, decided = interpret(selector, data)
    assert decisions == expected
    assert all(decided), "a rule that decides nothing is an error in apply"
    # The one-rule-per-operation starter, asked for, decides the same.
    _, full = starter(spec, "--group-by", "operation")
    assert len(full["rules"]) == 1223
    assert interpret(full, data)[0] == expected
    # apply accepts the grouped starter and decides as the model does.
    assert applied(spec, text, tmp_path) == expected


@pytest.mark.parametrize("group_by", ["tag", "path", "operation"])
def test_kubernetes_starters(group_by: str, tmp_path: Path) -> None:
    """Kubernetes has paths ending in `/` (`GET /api/`), which no path glob can name alone."""
    spec = corpus_file("kubernetes-1.13.json")
    data = json.loads(spec.read_bytes())
    text, selector = starter(spec, "--group-by", group_by)
    decisions, decided = interpret(selector, data)
    assert decisions == expected_decisions(data, "KubernetesUserPool")
    assert all(decided)
    assert applied(spec, text, tmp_path) == decisions


# Small documents whose operations collide: several tags or none, public ones, preflights, a Cognito
# scheme of the document named with scopes, so that groups need exceptions. Operation ids are unique, as
# OpenAPI requires: the starter names an operation whose path is no glob by its id.
SEGMENTS = ["a", "b", "{id}", "c", ""]  # "": `/a/` and `/a//b`, paths no glob names alone
TAGS = ["t1", "t2", "t3"]
SECURITY = [None, [], [{"Existing": []}], [{"Existing": ["s/read"]}], [{"Other": ["s/write", "x"]}]]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    made = 0
    for _ in range(draw(st.integers(1, 12))):
        segments = draw(st.lists(st.sampled_from(SEGMENTS), max_size=3))
        path = "/" + "/".join(segments)
        for key in draw(st.lists(st.sampled_from(list(METHODS)), min_size=1, max_size=3, unique=True)):
            op: dict[str, Any] = {
                "operationId": f"op{made}",
                "responses": {"200": {"description": "ok"}},
            }
            tags = draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
            if tags:
                op["tags"] = tags
            security = draw(st.sampled_from(SECURITY))
            if security is not None:
                op["security"] = security
            paths.setdefault(path, {})[key] = op
            made += 1
    schemes = {
        name: {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [POOL]},
        }
        for name in draw(st.sampled_from([[], ["Existing", "Other"]]))
    }
    data: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Pet Store", "version": "1"},
        "paths": paths,
    }
    if schemes:
        data["components"] = {"securitySchemes": schemes}
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=documents(), group_by=st.sampled_from(["tag", "path", "operation"]))
def test_every_grouping_decides_as_one_rule_per_operation(
    data: dict[str, Any], group_by: str, tmp_path: Path
) -> None:
    if not cognito_schemes(data):  # an undefined scheme name is an error of the document, not ours
        for _, _, op in operations(data):
            if op.get("security") not in (None, []):
                del op["security"]
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(data))
    expected = expected_decisions(data, "PetUserPool")
    text, selector = starter(spec, "--group-by", group_by)
    decisions, decided = interpret(selector, data)
    assert decisions == expected
    assert all(decided)
    assert applied(spec, text, tmp_path) == expected


def test_a_starter_apply_would_refuse_is_never_written(tmp_path: Path) -> None:
    summary = "Lists the items of one collection of the account, newest first, a page at a time"
    paths = {
        f"/c{i % 7}/items{i}": {
            "get": {
                "operationId": f"listItems{i}",
                "summary": summary,
                "tags": [f"c{i % 7}"],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(2500)
    }
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "Items", "version": "1"}, "paths": paths})
    )
    out = tmp_path / "sel.yaml"
    code, _, stderr = run("init", str(spec), "--group-by", "operation", "-o", str(out))
    assert code == 2
    assert "more than the 262,144 a selector may have (2,500 rules for 2,500 operations" in stderr
    assert "hint: --group-by tag or --group-by path" in stderr
    assert not out.exists()
    text, selector = starter(spec)
    assert len(selector["rules"]) == 7
    assert applied(spec, text, tmp_path) == expected_decisions(json.loads(spec.read_text()), "ItemsUserPool")
