"""`apply --emit-overlay`: the same change as an OpenAPI Overlay 1.0 document.

The overlay is applied with `oas-patch`, an independent Overlay implementation from PyPI, to a copy of the
input; the result must be the data `apply` writes, and applying the overlay a second time changes nothing
(Overlay's `update` appends to arrays, which would duplicate `security` entries without the `remove`s).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from oas_patch.overlay import apply_overlay
from oas_patch.validator import load_schema
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from apigw_cognito.core.overlay import jsonpath
from tests.support.paths import ROOT

SPECS = ROOT / "specs"
SELECTOR = str(SPECS / "securepets.selector.yaml")
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def load(path: Path) -> Any:
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def check_overlay(spec: Path, selector: str, overlay_path: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"out{spec.suffix}"
    code, _, stderr = run(
        "apply", str(spec), "-s", selector, "-o", str(out), "--emit-overlay", str(overlay_path)
    )
    assert code == 0, stderr
    overlay = load(overlay_path)

    from jsonschema import Draft202012Validator

    Draft202012Validator(load_schema("overlay_schema_1.0.0.yml")).validate(overlay)
    assert overlay["overlay"] == "1.0.0"

    expected = load(out)
    once = apply_overlay(copy.deepcopy(load(spec)), overlay)
    assert once == expected, "the overlay makes the same change as apply"
    twice = apply_overlay(copy.deepcopy(once), overlay)
    assert twice == expected, "applying the overlay again changes nothing"
    # Applying it to apply's own output changes nothing either.
    assert apply_overlay(copy.deepcopy(expected), overlay) == expected
    return overlay


@pytest.mark.parametrize("name", ["securepets.yaml", "securepets-swagger2.json"])
def test_overlay_matches_apply(name: str, tmp_path: Path) -> None:
    spec = tmp_path / name
    shutil.copy(SPECS / name, spec)
    overlay = check_overlay(spec, SELECTOR, tmp_path / "secure.overlay.yaml", tmp_path)
    assert overlay["extends"] == name
    targets = [a["target"] for a in overlay["actions"]]
    assert "$['paths']['/pets']['get']" in targets
    assert spec.read_bytes() == (SPECS / name).read_bytes(), "the input is left alone"


def test_overlay_replaces_existing_security_and_schemes(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: T, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      security:\n"
        "        - Pool: [old/scope]\n"
        "        - Other: []\n"
        "      responses: {'200': {description: ok}}\n"
        "      x-amazon-apigateway-integration: {type: mock}\n"
        '  "/it\'s":\n'
        "    x-amazon-apigateway-any-method:\n"
        "      responses: {'200': {description: ok}}\n"
        "      x-amazon-apigateway-integration: {type: mock}\n"
        "    options:\n"
        "      responses: {'200': {description: ok}}\n"
        "      x-amazon-apigateway-integration: {type: mock}\n"
        "components:\n"
        "  securitySchemes:\n"
        "    Other: {type: apiKey, name: x-api-key, in: header}\n"
        "    Pool:\n"
        "      type: apiKey\n"
        "      name: Authorization\n"
        "      in: header\n"
        "      x-amazon-apigateway-authtype: cognito_user_pools\n"
        "      x-amazon-apigateway-authorizer:\n"
        "        type: cognito_user_pools\n"
        "        providerARNs: [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Old]\n"
        "        identityValidationExpression: '^x$'\n"
    )
    selector = tmp_path / "selector.yaml"
    selector.write_text(
        f"version: 1\nauthorizers:\n  Pool:\n    user_pools: [{POOL}]\n"
        "rules:\n  - select: GET /a\n    authorizer: Pool\n    scopes: [new/scope]\n"
        "default: Pool\n"
    )
    overlay = check_overlay(spec, str(selector), tmp_path / "o.json", tmp_path)
    assert overlay["extends"] == "api.yaml"
    secured = apply_overlay(load(spec), overlay)
    # Other is an API key scheme (x-api-key): its requirement is kept, AND-ed with the authorizer.
    assert secured["paths"]["/a"]["get"]["security"] == [{"Pool": ["new/scope"], "Other": []}]
    assert secured["paths"]["/it's"]["x-amazon-apigateway-any-method"]["security"] == [{"Pool": []}]
    assert secured["paths"]["/it's"]["options"]["security"] == []
    authorizer = secured["components"]["securitySchemes"]["Pool"]["x-amazon-apigateway-authorizer"]
    assert authorizer == {"type": "cognito_user_pools", "providerARNs": [POOL]}


def test_json_paths_are_normalized_and_escaped() -> None:
    assert jsonpath(("paths", "/pets/{petId}", "get")) == "$['paths']['/pets/{petId}']['get']"
    assert jsonpath(("paths", "/it's\\", "get")) == "$['paths']['/it\\'s\\\\']['get']"
    assert jsonpath(("a", 0)) == "$['a'][0]"


def test_check_and_emit_overlay_exclude_each_other(tmp_path: Path) -> None:
    code, _, stderr = run(
        "apply",
        str(SPECS / "securepets.yaml"),
        "-s",
        SELECTOR,
        "--check",
        "--emit-overlay",
        str(tmp_path / "o"),
    )
    assert code == 2
    assert "--check" in stderr
    assert not (tmp_path / "o").exists()


def test_no_overlay_when_apply_fails(tmp_path: Path) -> None:
    selector = tmp_path / "s.yaml"
    selector.write_text(
        f"version: 1\nauthorizers:\n  P:\n    user_pools: [{POOL}]\nrules:\n"
        "  - select: GET /pets\n    authorizer: P\ndefault: deny\n"
    )
    overlay = tmp_path / "o.yaml"
    code, _, _ = run(
        "apply", str(SPECS / "securepets.yaml"), "-s", str(selector), "--emit-overlay", str(overlay)
    )
    assert code == 1
    assert not overlay.exists()
