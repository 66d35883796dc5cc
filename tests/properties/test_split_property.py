"""The security property over split documents: no operation behind a `$ref` is left open silently.

Over generated layouts (path items inline, elsewhere in the root, in their own files, under a pointer in a
shared file, behind chains, shared by two paths, in YAML and JSON) and now and then a bad reference
(missing file, cycle, escaping the folder, pointer to nothing, a list, remote, a 70-file chain, operations
beside the $ref), `apply --in-place` with `default: deny` either

- stops with exit 2 on a bad reference, or exit 1 when an operation is undecided, and then no file of the
  tree has changed, byte for byte; or
- writes, and the files read back by a resolver written here (PyYAML and json, independent of the tool's
  own) show every operation an importer would create secured exactly as the report says, or public.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from apigw_cognito.basics.openapi import METHOD_KEYS
from apigw_cognito.cli.main import app
from tests.support.fuzzstats import record
from tests.support.strategies import DENY_SELECTOR, SplitTree, split_trees

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
DENY_ALL = {
    **DENY_SELECTOR,
    "rules": [
        *DENY_SELECTOR["rules"],
        {"select": "HEAD,TRACE,ANY /**", "authorizer": "Pool", "scopes": ["any"], "optional": True},
    ],
}


def _read(path: Path) -> Any:
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _resolve(folder: Path, file: Path, ref: str, depth: int = 0) -> Any:
    """The independent resolver: what an importer reading the written files finds behind `ref`."""
    assert depth < 100
    name, _, fragment = ref.partition("#")
    target = (file.parent / name).resolve() if name else file
    node = _read(target)
    for step in [s for s in fragment.split("/") if s]:
        node = node[step.replace("~1", "/").replace("~0", "~")]
    if isinstance(node, dict) and "$ref" in node:
        return _resolve(folder, target, node["$ref"], depth + 1)
    return node


def _api_keys(security: Any, schemes: dict[str, Any]) -> list[str]:
    """The API key schemes a requirement list names (what API Gateway imports as apiKeyRequired)."""
    names = [name for requirement in security for name in requirement]
    return [
        name
        for name in names
        if schemes.get(name, {}).get("type") == "apiKey"
        and str(schemes[name].get("name", "")).lower() == "x-api-key"
        and "x-amazon-apigateway-authorizer" not in schemes[name]
    ]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_tree(tree: SplitTree, folder: Path, selector: dict[str, Any]) -> str:
    for name, content in tree.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    (folder.parent / "selector.json").write_text(json.dumps(selector))
    before = _snapshot(folder)
    result = CliRunner().invoke(
        app,
        [
            *("apply", str(folder / tree.root), "-s", str(folder.parent / "selector.json")),
            *("--in-place", "--no-validate", "--report", "json"),
        ],
        catch_exceptions=False,
    )
    if tree.hazards:
        assert result.exit_code == 2, (tree.hazards, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert str(folder / tree.root) in result.stderr  # located at the reference
        assert _snapshot(folder) == before
        return "refused (bad reference)"
    report = json.loads(result.stdout)
    if result.exit_code != 0:
        assert result.exit_code == 1, result.stderr
        assert _snapshot(folder) == before
        codes = {f["code"] for f in report["findings"]}
        assert codes & {"AGC101", "AGC103"}, report["findings"]
        unmatched = [o for o in report["operations"] if o["decision"] == "unmatched"]
        for operation in unmatched:  # named where each is written
            assert operation["location"]["file"].startswith(str(folder))
        return "refused (undecided)"
    root = folder / tree.root
    document = _read(root)
    paths = document["paths"]
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    decided = {(o["method"], o["path"]): o for o in report["operations"]}
    seen = set()
    for path, item in paths.items():
        resolved = _resolve(folder, root, item["$ref"]) if "$ref" in item else item
        for key, operation in resolved.items():
            if key not in METHOD_KEYS:
                continue
            decision = decided[(METHOD_KEYS[key], path)]
            seen.add((METHOD_KEYS[key], path))
            keys = {name: [] for name in _api_keys(operation["security"], schemes)}
            assert bool(keys) == decision["apiKeyRequired"], (operation["security"], decision)
            if decision["decision"] == "secured":
                assert operation["security"] == [{decision["authorizer"]: decision["scopes"], **keys}]
            else:
                assert decision["decision"] == "public"
                assert operation["security"] == ([keys] if keys else [])
    assert seen == set(decided)
    return "secured"


@settings(max_examples=400 if LONG else 40, deadline=None, suppress_health_check=list(HealthCheck))
@given(tree=split_trees())
def test_no_operation_behind_a_reference_is_left_open(
    tree: SplitTree, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name, selector in (("deny", DENY_SELECTOR), ("deny-all", DENY_ALL)):
        folder = tmp_path_factory.mktemp("split") / "api"
        folder.mkdir()
        outcome = check_tree(tree, folder, selector)
        record("security property (split documents)", f"{name}: {outcome}", tree.hazards)
