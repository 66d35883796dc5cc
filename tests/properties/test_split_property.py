"""The security property over split documents: no operation behind a `$ref` is left open silently.

Over generated layouts (path items inline, elsewhere in the root, in their own files, under a pointer in a
shared file, behind chains, shared by two paths, in YAML and JSON) and now and then a bad reference
(missing file, cycle, escaping the folder, pointer to nothing, a list, remote, a 70-file chain, operations
beside the $ref), `apply --in-place` with `default: deny` either

- stops with exit 2 on a bad reference, or exit 1 when an operation is undecided, and then no file of the
  tree has changed, byte for byte; or
- writes, and the files read back by a resolver written here (PyYAML and json, independent of the tool's
  own) show every operation an importer would create secured exactly as the independent model of the
  selector (tests/support/selector_model.py) decides from the input tree, or public; the JSON report says
  the same.
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

from apigw_cognito.cli.main import app
from tests.support import selector_model as model
from tests.support.fuzzstats import record
from tests.support.strategies import DENY_SELECTOR, STAR_SELECTOR, SplitTree, split_trees

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


def _target(file: Path, ref: str, depth: int = 0) -> tuple[Path, str, Any]:
    """The independent resolver: the (file, pointer) at the end of `ref`'s chain, and what is there."""
    assert depth < 100
    name, _, fragment = ref.partition("#")
    target = (file.parent / name).resolve() if name else file
    node = _read(target)
    for step in [s for s in fragment.split("/") if s]:
        node = node[step.replace("~1", "/").replace("~0", "~")]
    if isinstance(node, dict) and "$ref" in node:
        return _target(target, node["$ref"], depth + 1)
    return target, fragment, node


def _resolve(folder: Path, file: Path, ref: str) -> Any:
    """What an importer reading the written files finds behind `ref`."""
    return _target(file, ref)[2]


def _shared_differently(root: Path, expected: dict[tuple[str, str], model.Expected]) -> bool:
    """Whether paths sharing one path item (the same file and pointer) would get different security: then
    the item cannot be written for both, and `apply` must refuse (AGC103)."""
    items: dict[tuple[Path, str], list[str]] = {}
    for path, item in _read(root)["paths"].items():
        if "$ref" in item:
            file, pointer, _ = _target(root, item["$ref"])
            items.setdefault((file, pointer), []).append(path)
    for paths in items.values():
        methods = {m for p, m in expected if p == paths[0]}
        if any(
            len({(expected[(p, m)].kind, str(expected[(p, m)].security)) for p in paths}) > 1 for m in methods
        ):
            return True
    return False


def _resolved(folder: Path, root: Path) -> dict[str, Any]:
    """The root document with every path item read from behind its references."""
    document = _read(root)
    document["paths"] = {
        path: _resolve(folder, root, item["$ref"]) if "$ref" in item else item
        for path, item in document["paths"].items()
    }
    return dict(document)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_tree(tree: SplitTree, folder: Path, selector: dict[str, Any]) -> str:
    for name, content in tree.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    (folder.parent / "selector.json").write_text(json.dumps(selector))
    before = _snapshot(folder)
    expected = (
        {} if tree.hazards else model.expected_security(_resolved(folder, folder / tree.root), selector)
    )
    undecided = {key for key, e in expected.items() if e.kind == "undecided"}
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
    decided = {(o["path"], o["method"]): o for o in report["operations"]}
    if result.exit_code != 0:
        assert result.exit_code == 1, result.stderr
        assert _snapshot(folder) == before
        codes = {f["code"] for f in report["findings"]}
        assert codes & {"AGC101", "AGC103"}, report["findings"]
        unmatched = [o for o in report["operations"] if o["decision"] == "unmatched"]
        for operation in unmatched:  # named where each is written
            assert operation["location"]["file"].startswith(str(folder))
        assert ("AGC101" in codes) is bool(undecided)
        assert {(o["path"], o["method"]) for o in unmatched} == undecided
        assert ("AGC103" in codes) is _shared_differently(folder / tree.root, expected)
        return "refused (undecided)"
    assert not undecided
    assert not _shared_differently(folder / tree.root, expected)
    after = _resolved(folder, folder / tree.root)
    imported = model.imported_security(after)
    assert set(imported) == set(expected) == set(decided)
    for key, wanted in expected.items():
        path, method = key
        operation = after["paths"][path][next(k for k, m in model.OPERATION_KEYS.items() if m == method)]
        assert operation["security"] == wanted.security, (key, operation["security"], wanted)
        assert model.agrees(wanted, imported[key]), (key, wanted, imported[key])
        reported = decided[key]  # the report says the same
        assert reported["decision"] == wanted.kind, (reported, wanted)
        assert reported["apiKeyRequired"] is wanted.api_key
        if wanted.kind == "secured":
            assert (reported["authorizer"], tuple(reported["scopes"])) == (wanted.authorizer, wanted.scopes)
    return "secured"


@settings(max_examples=400 if LONG else 40, deadline=None, suppress_health_check=list(HealthCheck))
@given(tree=split_trees())
def test_no_operation_behind_a_reference_is_left_open(
    tree: SplitTree, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name, selector in (("deny", DENY_SELECTOR), ("deny-all", DENY_ALL), ("star", STAR_SELECTOR)):
        folder = tmp_path_factory.mktemp("split") / "api"
        folder.mkdir()
        outcome = check_tree(tree, folder, selector)
        record("security property (split documents)", f"{name}: {outcome}", tree.hazards)
