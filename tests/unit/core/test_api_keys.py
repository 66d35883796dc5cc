"""API key requirements: kept AND-ed by default, `api_key: required` and `api_key: none`, and the reports."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apigw_cognito.app.pipeline import Spec, parse_spec, run_apply, run_audit
from apigw_cognito.core.api_keys import STANDARD_SCHEME, api_key_names, is_api_key_scheme, scheme_to_require
from apigw_cognito.reports.render import RENDERERS
from apigw_cognito.selector.loader import load_selector
from tests.support.apidocs import POOL_ARN, keyed_pets


def selector(*rules: str) -> Any:
    text = f"version: 1\nauthorizers: {{Pool: {{user_pools: [{POOL_ARN}]}}}}\nrules:\n"
    text += "".join(f"  - {{{rule}}}\n" for rule in rules) + "default: public\n"
    return load_selector(text.encode(), "s.yaml", {})


def spec(data: dict[str, Any]) -> Spec:
    return parse_spec(json.dumps(data, indent=2).encode(), "api.json")


def security(data: dict[str, Any], rules: tuple[str, ...]) -> tuple[dict[tuple[str, str], Any], Any]:
    applied = run_apply(spec(data), selector(*rules), validate=True)
    assert applied.output is not None, applied.report.findings
    out = json.loads(applied.output)
    found = {
        (key.upper(), path): op.get("security")
        for path, item in out["paths"].items()
        for key, op in item.items()
    }
    return found, applied


def test_a_key_is_kept_and_anded_with_the_authorizer_by_default() -> None:
    found, applied = security(keyed_pets(), ("select: GET /pets, authorizer: Pool",))
    assert found[("GET", "/pets")] == [{"Pool": [], "metered": []}]
    assert not [f for f in applied.report.findings if f.code == "AGC206"]
    assert not applied.report.notes
    row = next(r for r in applied.report.rows if (r.method, r.path) == ("GET", "/pets"))
    assert row.api_key
    assert row.auth_label == "Pool + API key"


def test_public_and_default_decisions_keep_the_key_too() -> None:
    found, applied = security(keyed_pets(), ("select: GET /pets, public: true",))
    assert found[("GET", "/pets")] == [{"metered": []}]
    assert found[("GET", "/stats")] == [{"metered": []}]  # default: public
    assert found[("POST", "/pets")] == []
    assert next(r for r in applied.report.rows if r.path == "/stats").auth_label == "public + API key"


def test_api_key_none_drops_it_and_the_report_says_so() -> None:
    found, applied = security(keyed_pets(), ("select: GET /pets, authorizer: Pool, api_key: none",))
    assert found[("GET", "/pets")] == [{"Pool": []}]
    (note,) = applied.report.notes
    assert note.startswith("GET /pets: an API key is no longer required (metered dropped: rule 1")
    assert "api_key: none" in RENDERERS["text"](applied.report)


def test_api_key_required_uses_the_documents_scheme() -> None:
    found, _ = security(
        keyed_pets(), ("select: POST /pets, authorizer: Pool, scopes: [w], api_key: required",)
    )
    assert found[("POST", "/pets")] == [{"Pool": ["w"], "metered": []}]


def test_api_key_required_adds_a_standard_scheme_when_there_is_none() -> None:
    data = keyed_pets()
    data["components"]["securitySchemes"] = {"api_key": {"type": "http", "scheme": "basic"}}  # name taken
    for item in data["paths"].values():
        for op in item.values():
            op.pop("security", None)
    found, applied = security(data, ("select: GET /pets, authorizer: Pool, api_key: required",))
    assert found[("GET", "/pets")] == [{"Pool": [], "api_key_1": []}]
    out = json.loads(applied.output or b"")
    assert out["components"]["securitySchemes"]["api_key_1"] == STANDARD_SCHEME
    assert out["components"]["securitySchemes"]["api_key"] == {"type": "http", "scheme": "basic"}
    assert ("api_key_1", True) in applied.report.schemes


def test_or_ed_alternatives_keep_todays_warning_but_not_for_the_key() -> None:
    data = keyed_pets()
    data["components"]["securitySchemes"]["Legacy"] = {"type": "apiKey", "name": "X-Legacy", "in": "header"}
    data["paths"]["/pets"]["get"]["security"] = [{"Legacy": []}, {"metered": []}]
    found, applied = security(data, ("select: GET /pets, authorizer: Pool",))
    assert found[("GET", "/pets")] == [{"Pool": [], "metered": []}]
    (warning,) = [f for f in applied.report.findings if f.code == "AGC206"]
    assert warning.message.endswith("which also required Legacy")


@pytest.mark.parametrize(
    ("scheme", "is_key"),
    [
        ({"type": "apiKey", "name": "x-api-key", "in": "header"}, True),
        ({"type": "apiKey", "name": "X-API-Key", "in": "header"}, True),
        ({"type": "apiKey", "name": "x-api-key", "in": "query"}, False),
        ({"type": "apiKey", "name": "X-Legacy", "in": "header"}, False),
        (
            {"type": "apiKey", "name": "x-api-key", "in": "header", "x-amazon-apigateway-authtype": "custom"},
            False,
        ),
        (None, False),
    ],
)
def test_which_schemes_are_api_keys(scheme: Any, is_key: bool) -> None:
    assert is_api_key_scheme(scheme) is is_key


def test_audit_shows_the_key_requirement() -> None:
    data = keyed_pets()
    data["paths"]["/pets"]["post"]["security"] = []
    report = run_audit(spec(data), selector("select: GET /pets, authorizer: Pool"))
    labels = {(r.method, r.path): r.auth_label for r in report.rows}
    assert labels[("GET", "/pets")] == "Pool + API key"
    assert labels[("GET", "/stats")] == "api_key"  # an API key only: no authorizer
    assert labels[("POST", "/pets")] == "public"
    assert '"apiKeyRequired": true' in RENDERERS["json"](report)


KEY_SCHEMES = {"metered": STANDARD_SCHEME, "Legacy": {"type": "apiKey", "name": "X-Legacy", "in": "header"}}


def test_every_requirement_object_is_read_and_each_key_named_once() -> None:
    # a malformed requirement does not hide the ones after it; a key in two objects is named once
    security = ["junk", {"Legacy": []}, {"metered": []}, {"Legacy": [], "metered": []}]
    assert api_key_names(security, KEY_SCHEMES) == ("metered",)


def test_a_standard_scheme_name_that_is_free() -> None:
    assert scheme_to_require({}, set()) == ("api_key", STANDARD_SCHEME)
    taken = {"api_key": {"type": "http"}, "api_key_1": {"type": "http"}}
    assert scheme_to_require(taken, set()) == ("api_key_2", STANDARD_SCHEME)
    assert scheme_to_require(taken, {"api_key_2"}) == ("api_key_3", STANDARD_SCHEME)
    assert scheme_to_require({"metered": STANDARD_SCHEME}, set()) == ("metered", None)
    assert scheme_to_require({"metered": STANDARD_SCHEME}, {"metered"}) == ("api_key", STANDARD_SCHEME)


def test_the_note_names_every_key_dropped() -> None:
    data = keyed_pets()
    schemes = data["components"]["securitySchemes"]
    schemes["partner"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    data["paths"]["/pets"]["get"]["security"] = [{"metered": [], "partner": []}]
    applied = run_apply(spec(data), selector("select: GET /pets, public: true, api_key: none"), validate=True)
    assert any(
        "(metered, partner dropped: rule 1 says api_key: none)" in note for note in applied.result.notes
    )
