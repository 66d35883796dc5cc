"""The pure parts of the benchmark's peer comparison (benchmarks/peers/ and their use in the targets).

No network and no Node: the overlay check, target parsing, version choice, lines-changed counting on
peer-like rewrites, the fastest-peer choice and the met/missed wording. Timing is never asserted here.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.measuring.model import Document
from benchmarks.outputs.line_diff import line_diff
from benchmarks.peers import tools as peers
from benchmarks.peers.results import PeerResult
from benchmarks.targets.issue13 import fastest_peer, judge_issue13
from benchmarks.targets.verdict import at_least, at_most, target_order
from benchmarks.timing.commands import Command
from benchmarks.timing.processes import Sample

POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
SCHEME = {
    "type": "apiKey",
    "name": "Authorization",
    "in": "header",
    "x-amazon-apigateway-authtype": "cognito_user_pools",
    "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [POOL]},
}
SECURED = [{"Pool": ["https://api.example.com/read"]}]


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/pets": {
                "get": {"responses": {"200": {"description": "ok"}}},
                "post": {"security": [{"Old": []}], "responses": {"200": {"description": "ok"}}},
                "options": {"responses": {"200": {"description": "ok"}}},
            },
            "/it's/{id}": {"delete": {"responses": {"204": {"description": "gone"}}}},
        },
    }


def overlay() -> dict[str, Any]:
    """The shape `apply --emit-overlay` writes: remove, then update, for the scheme and each operation."""
    actions: list[dict[str, Any]] = [
        {"target": "$['components']['securitySchemes']['Pool']", "remove": True},
        {"target": "$", "update": {"components": {"securitySchemes": {"Pool": SCHEME}}}},
    ]
    for path, method, security in (
        ("/pets", "get", SECURED),
        ("/pets", "post", SECURED),
        ("/pets", "options", []),
        ("/it's/{id}", "delete", SECURED),
    ):
        target = f"$['paths']['{path.replace(chr(39), chr(92) + chr(39))}']['{method}']"
        actions.append({"target": target + "['security']", "remove": True})
        actions.append({"target": target, "update": {"security": security}})
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}


def apply_like_a_peer(
    data: dict[str, Any], ov: dict[str, Any], honour_removes: bool = True
) -> dict[str, Any]:
    """A minimal Overlay applier for normalized-path targets: remove, or merge (lists append)."""
    out = copy.deepcopy(data)

    def merge(node: dict[str, Any], update: dict[str, Any]) -> None:
        for key, value in update.items():
            if isinstance(value, dict) and isinstance(node.get(key), dict):
                merge(node[key], value)
            elif isinstance(value, list) and isinstance(node.get(key), list):
                node[key].extend(copy.deepcopy(value))
            else:
                node[key] = copy.deepcopy(value)

    for action in ov["actions"]:
        steps = peers.parse_normalized_path(action["target"])
        assert steps is not None
        if action.get("remove"):
            if not honour_removes:
                continue
            parent = peers.resolve(out, steps[:-1])
            if isinstance(parent, dict):
                parent.pop(steps[-1], None)
            continue
        node = out
        for step in steps:
            node = node.setdefault(step, {})
        merge(node, action["update"])
    return out


# ---------------------------------------------------------------------------------------------------------
# Overlay targets


@pytest.mark.parametrize(
    ("target", "steps"),
    [
        ("$", ()),
        ("$['paths']['/pets']['get']", ("paths", "/pets", "get")),
        ("$['paths']['/it\\'s']['get']", ("paths", "/it's", "get")),
        ("$['a\\\\b']", ("a\\b",)),
        ("$['tab\\there']", ("tab\there",)),
        ("$['\\u00e9']", ("\u00e9",)),
        ("$['\\ud83d\\ude00']", ("\U0001f600",)),  # a surrogate pair is one character
        ("$['servers'][0]['url']", ("servers", 0, "url")),
        ("$['[not] a ']", ("[not] a ",)),
    ],
)
def test_normalized_paths_parse(target: str, steps: tuple[str | int, ...]) -> None:
    assert peers.parse_normalized_path(target) == steps


@pytest.mark.parametrize(
    "target", ["", "paths", "$.paths", "$['a'", "$['a']x", "$[a]", "$['\\q']", "$['\\u12']", "$[*]"]
)
def test_other_jsonpaths_are_not_read(target: str) -> None:
    assert peers.parse_normalized_path(target) is None


def test_expected_changes_from_an_overlay() -> None:
    expected = peers.expected_from_overlay(overlay())
    assert dict(expected.security)[("paths", "/it's/{id}", "delete")] == SECURED
    assert dict(expected.security)[("paths", "/pets", "options")] == []
    assert len(expected.security) == 4
    values = dict(expected.values)
    assert values[("components", "securitySchemes", "Pool", "type")] == "apiKey"
    assert values[
        ("components", "securitySchemes", "Pool", "x-amazon-apigateway-authorizer", "providerARNs")
    ] == [POOL]
    assert expected.unreadable == 0
    assert (
        peers.expected_from_overlay({"actions": [{"target": "$..get", "update": {"x": 1}}]}).unreadable == 1
    )
    assert peers.expected_from_overlay("not an overlay") == peers.Expected((), ())


# ---------------------------------------------------------------------------------------------------------
# Did the peer apply it?


def test_an_applied_overlay_is_complete() -> None:
    expected = peers.expected_from_overlay(overlay())
    check = peers.check_overlay_applied(expected, apply_like_a_peer(document(), overlay()))
    assert check.complete, check
    assert (check.operations, check.operations_applied) == (3, 3)
    assert (check.preflights, check.preflights_applied) == (1, 1)
    assert check.values == check.values_applied == 6
    assert check.examples == ()
    assert check.summary() == "3/3 secured as the overlay says, 1/1 OPTIONS, 6/6 scheme values"


def test_a_peer_that_did_nothing_is_flagged() -> None:
    check = peers.check_overlay_applied(peers.expected_from_overlay(overlay()), document())
    assert not check.complete
    assert check.operations_applied == 0
    assert check.values_applied == 0
    assert check.examples[0] == "GET /pets: security missing"
    # the input's own `security` on POST is not the overlay's
    assert "POST /pets" in " ".join(check.examples)


def test_appending_instead_of_replacing_is_flagged() -> None:
    """Without the removes, `update` appends to the existing `security` list: not what the overlay says."""
    out = apply_like_a_peer(document(), overlay(), honour_removes=False)
    check = peers.check_overlay_applied(peers.expected_from_overlay(overlay()), out)
    assert not check.complete
    assert check.operations_applied == 2  # GET and DELETE had no security to append to
    assert check.examples == (
        "POST /pets: security [{'Old': []}, {'Pool': ['https://api.example.com/read']}]",
    )


def test_a_missing_scheme_or_lost_preflight_is_flagged() -> None:
    out = apply_like_a_peer(document(), overlay())
    del out["components"]["securitySchemes"]["Pool"]["x-amazon-apigateway-authorizer"]
    check = peers.check_overlay_applied(peers.expected_from_overlay(overlay()), out)
    assert not check.complete
    assert check.values_applied == 4
    assert check.operations_applied == check.operations
    out = apply_like_a_peer(document(), overlay())
    del out["paths"]["/pets"]["options"]["security"]  # an empty list dropped: inherits global security
    check = peers.check_overlay_applied(peers.expected_from_overlay(overlay()), out)
    assert not check.complete
    assert check.preflights_applied == 0


def test_an_independent_overlay_implementation_agrees() -> None:
    from oas_patch.overlay import apply_overlay  # a dev dependency: installed wherever the tests run

    out = apply_overlay(document(), overlay())
    assert peers.check_overlay_applied(peers.expected_from_overlay(overlay()), out).complete


def test_swagger_2_schemes_are_checked_where_the_overlay_puts_them() -> None:
    ov = overlay()
    ov["actions"][0]["target"] = "$['securityDefinitions']['Pool']"
    ov["actions"][1]["update"] = {"securityDefinitions": {"Pool": SCHEME}}
    doc = {**document(), "swagger": "2.0"}
    expected = peers.expected_from_overlay(ov)
    assert peers.check_overlay_applied(expected, apply_like_a_peer(doc, ov)).complete
    assert not peers.check_overlay_applied(expected, apply_like_a_peer(doc, overlay())).complete


# ---------------------------------------------------------------------------------------------------------
# Lines changed, comments, format


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2) + "\n"


def test_lines_changed_by_a_peer_like_rewrite() -> None:
    """A tool that appends `security` after an operation's last key rewrites that line (it gains a comma)."""
    before = json_text(document())
    peer = json_text(apply_like_a_peer(document(), overlay()))
    diff = line_diff(before, peer)
    assert diff.changed > 0
    # our way: insert `security` lines, touch nothing else
    lines = before.split("\n")
    k = lines.index('      "get": {') + 1
    inserted = [*lines[:k], '        "security": [{"Pool": ["https://api.example.com/read"]}],', *lines[k:]]
    assert line_diff(before, "\n".join(inserted)).changed == 0


def test_reordered_keys_count_as_changed() -> None:
    """openapi-format's bundle step puts `$ref` before its siblings: a swap rewrites a line."""
    before = '{\n  "a": {\n    "description": "d",\n    "$ref": "#/x"\n  }\n}\n'
    after = '{\n  "a": {\n    "$ref": "#/x",\n    "description": "d"\n  }\n}\n'
    assert line_diff(before, after).changed == 2


def test_comments_and_format() -> None:
    yaml_text = "# top\nopenapi: 3.0.3\n  # indented\ninfo:\n  title: 'a # not a comment'\n"
    assert peers.full_line_comments(yaml_text) == 2
    assert peers.full_line_comments("a: 1\n") == 0
    assert peers.looks_like_json('\ufeff  {"a": 1}')
    assert peers.looks_like_json("\n[1]")
    assert not peers.looks_like_json("openapi: 3.0.3\n")
    assert not peers.looks_like_json("# {\n")


# ---------------------------------------------------------------------------------------------------------
# Versions and commands


def test_version_choice() -> None:
    assert peers.choose_version("1.33.6", ["1.33.5", "1.33.6", "1.34.0"]) == "1.33.6"
    assert peers.choose_version("1.33.6", ["1.9.0", "1.10.0", "2.0.0-beta.1"]) == "1.10.0"
    assert peers.choose_version("1.0.0", ["2.0.0-rc.1"]) == "2.0.0-rc.1"
    assert peers.choose_version("1.0.0", []) is None
    assert peers.parse_versions('["1.0.0", "1.1.0"]') == ["1.0.0", "1.1.0"]
    assert peers.parse_versions('"1.0.0"') == ["1.0.0"]


def test_installed_version(tmp_path: Path) -> None:
    assert peers.installed_version(tmp_path, "@redocly/cli") is None
    pkg = tmp_path / "node_modules" / "@redocly" / "cli"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "@redocly/cli", "version": "2.77.0"}')
    assert peers.installed_version(tmp_path, "@redocly/cli") == "2.77.0"
    (pkg / "package.json").write_text("not json")
    assert peers.installed_version(tmp_path, "@redocly/cli") is None


def test_without_node_the_peers_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peers.shutil, "which", lambda name: None)
    setup = peers.setup_peers(tmp_path / "peers", log=lambda message: None)
    assert setup.peers == []
    assert setup.skipped == "no node or npm on PATH"
    assert not (tmp_path / "peers").exists()


def test_peer_commands_keep_the_format() -> None:
    fmt = peers.Peer("openapi-format", "openapi-format", "1.33.6", Path("/x/openapi-format"))
    argv = fmt.argv(Path("api.yaml"), Path("o.json"), Path("out.yaml"), "yaml")
    assert argv == [
        "/x/openapi-format",
        "api.yaml",
        "--overlayFile",
        "o.json",
        "--no-sort",
        "--no-bundle",
        "--keepComments",
        "-o",
        "out.yaml",
    ]
    assert "--keepComments" not in fmt.argv(Path("api.json"), Path("o.json"), Path("out.json"), "json")
    assert fmt.env() is None
    redocly = peers.Peer("redocly", "@redocly/cli", "2.77.0", Path("/x/redocly"))
    argv = redocly.argv(Path("api.json"), Path("o.json"), Path("out.json"), "json")
    assert argv == ["/x/redocly", "bundle", "api.json", "--overlay", "o.json", "-o", "out.json"]
    env = redocly.env()
    assert env is not None
    assert env["REDOCLY_TELEMETRY"] == "off"


# ---------------------------------------------------------------------------------------------------------
# Fastest peer and the targets' wording


def command(name: str, walls: list[float], returncode: int = 0) -> Any:
    cmd = Command(name, [name])
    cmd.samples = [Sample(wall=w, rss_kb=1000, cpu=w, returncode=returncode) for w in walls]
    return cmd


def result(name: str, ok: bool) -> Any:
    applied = peers.OverlayCheck(3, 3 if ok else 0, 0, 0, 6, 6)
    return PeerResult(name, "1", applied=applied)


def test_the_fastest_peer_is_one_that_applied_the_overlay() -> None:
    cmds = {
        "openapi-format": command("openapi-format", [0.4, 0.5, 0.6]),
        "redocly": command("redocly", [1.5]),
    }
    ok = {"openapi-format": result("openapi-format", True), "redocly": result("redocly", True)}
    best = fastest_peer(cmds, ok)
    assert best is not None
    assert best[0] == "openapi-format"
    # a peer that did nothing is fast, and does not count
    best = fastest_peer(cmds, {**ok, "openapi-format": result("openapi-format", False)})
    assert best is not None
    assert best[0] == "redocly"
    failed = {**cmds, "redocly": command("redocly", [0.1], returncode=1)}
    assert fastest_peer(failed, {**ok, "openapi-format": result("openapi-format", False)}) is None
    small = {"openapi-format-small": command("openapi-format-small", [0.2])}
    best = fastest_peer(small, ok, "-small")
    assert best is not None
    assert best[0] == "openapi-format"


def test_met_or_missed_by_how_much() -> None:
    assert at_most(0.6, 0.8) == (True, "met by 0.200x: 25.0% under 0.8x")
    assert at_most(1.2, 0.8) == (False, "missed by 0.400x: 50.0% over 0.8x")
    assert at_most(None, 0.8) == (None, "not measured")
    assert at_least(10.0, 5.0) == (True, "met by 5.00x: 10.00x >= 5x")
    assert at_least(2.0, 5.0) == (False, "missed by 3.00x: needs 2.500x more speed")
    assert target_order("10 x") > target_order("9 y") > target_order("0 z")


def test_issue_13_targets_are_judged_on_the_named_documents() -> None:
    def doc(name: str, fmt: str, walls: dict[str, float]) -> Any:
        d = Document(name, Path(name), fmt, "3.0", 1223, 13_000_000, synthetic=False)
        d.commands = {n: command(n, [w]) for n, w in walls.items()}
        d.peers = {n: result(n, True) for n in ("openapi-format", "redocly") if n in walls}
        return d

    github = doc("github-api.json", "json", {"apply": 0.5, "apply-validate": 1.0, "openapi-format": 0.4})
    other = doc("other.json", "json", {"apply": 0.5, "apply-validate": 1.0, "redocly": 1.0})
    verdicts = {
        (v.target.split()[0], v.document): v
        for v in judge_issue13([github, other], {}, 1000, {}, peers_skipped="")
    }
    assert verdicts[("7", "github-api.json")].passed is False  # 1.25x of openapi-format
    assert verdicts[("7", "github-api.json")].margin.startswith("missed by 0.450x")
    assert verdicts[("8", "github-api.json")].passed is False  # 2.5x
    assert verdicts[("7", "other.json")].passed is None  # not named by the issue: shown only
    assert verdicts[("7", "other.json")].measured == "0.500x of redocly"
    skipped = judge_issue13([], {}, 1000, {}, peers_skipped="no node or npm on PATH")
    assert {v.target.split()[0] for v in skipped} == {"7", "8", "11"}
    assert all(v.passed is None and "no node" in v.why for v in skipped)
