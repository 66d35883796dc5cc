"""The selector file: example files, located errors, variables, matching, and agreement with SCHEMA.

Files under data/selectors/invalid start with two comment lines: ``# error: LINE:COLUMN: message`` pins the
exact message and place, and ``# schema: rejects`` or ``# schema: accepts (why)`` says whether the JSON Schema
can see the mistake (it cannot see references, the environment, compiled regexes or YAML-level features).
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import HTTP_METHODS, MISSING, Operation
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import Select, Selector, pool_kind, require_arns
from apigw_cognito.selector.parsing import MAX_SELECTOR_BYTES
from apigw_cognito.selector.schema import SCHEMA
from apigw_cognito.selector.syntax import METHODS, SELECT_RE, VARIABLE_RE
from apigw_cognito.selector.variables import CREDENTIAL_WORDS
from tests.support import paths

DATA = paths.TESTS / "data" / "selectors"
VALID = sorted((DATA / "valid").iterdir())
INVALID = sorted((DATA / "invalid").iterdir())

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
ENV_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Cust0mer"
ENV = {
    "CUSTOMER_POOL_ARN": ENV_ARN,
    "CLIENT_ID": "1example23456789",
    "AWS_SECRET_ACCESS_KEY": "do-not-read",
    "DATABASE_URL": "postgres://user:hunter2@db/x",
    "STAGE": "dev",
    "SCOPE": "pets/read",
}
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def load(text: str, environ: Mapping[str, str] | None = None, name: str = "s.yaml") -> Selector:
    return load_selector(text.encode(), name, ENV if environ is None else environ)


def error(text: str, environ: Mapping[str, str] | None = None, name: str = "s.yaml") -> InputError:
    with pytest.raises(InputError) as caught:
        load(text, environ, name)
    return caught.value


def with_authorizer(body: str) -> str:
    """A selector whose one authorizer has `body` (YAML flow mapping content)."""
    return f"version: 1\nauthorizers:\n  A: {{{body}}}\nrules: []\n"


def with_rule(rule: str) -> str:
    """A selector whose one rule is `rule` (YAML flow mapping content); the authorizer is A."""
    return f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\nrules:\n  - {{{rule}}}\n"


def plain(value: Any) -> Any:
    """Loaded YAML as JSON data; TypeError for what JSON cannot hold (non-string keys, dates, tags)."""
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("non-string key")
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    raise TypeError(type(value).__name__)


def schema_accepts(raw: bytes) -> bool:
    try:
        data = plain(YAML(typ="rt").load(raw))
    except Exception:  # not YAML, or not JSON data: no schema can accept it
        return False
    return VALIDATOR.is_valid(data)


def without_locations(selector: Selector) -> Selector:
    return dataclasses.replace(
        selector,
        name="",
        authorizers={
            key: dataclasses.replace(a, location=None, pool_locations=())
            for key, a in selector.authorizers.items()
        },
        rules=tuple(dataclasses.replace(rule, location=None) for rule in selector.rules),
    )


def operation(
    method: str, path: str, tags: tuple[str, ...] = (), operation_id: str | None = None
) -> Operation:
    key = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
    return Operation(path, key, operation_id, tags, has_integration=True, security=MISSING)


# --- the example files ------------------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_property_in_the_schema_is_described() -> None:
    """Editors show descriptions on hover and completion."""
    missing = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if "description" not in prop:
                    missing.append(f"{where}.{key}")
            for key, child in node.items():
                walk(child, f"{where}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{where}[{index}]")

    walk(SCHEMA, "$")
    assert missing == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_files_load_and_satisfy_the_schema(path: Path) -> None:
    raw = path.read_bytes()
    selector = load_selector(raw, path.name, ENV)
    assert selector.authorizers
    assert schema_accepts(raw)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_files_fail_where_and_how_their_header_says(path: Path) -> None:
    raw = path.read_bytes()
    first, second = raw.decode().split("\n")[:2]
    expected = re.fullmatch(r"# error: (\d+):(\d+): (.*)", first)
    schema = re.fullmatch(r"# schema: (rejects|accepts \(.+\))", second)
    assert expected is not None, "malformed header"
    assert schema is not None, "malformed header"
    with pytest.raises(InputError) as caught:
        load_selector(raw, path.name, ENV)
    assert caught.value.message == expected.group(3)
    assert caught.value.location == Location(path.name, int(expected.group(1)), int(expected.group(2)))
    assert schema_accepts(raw) is schema.group(1).startswith("accepts")


def test_json_and_yaml_give_the_same_selector() -> None:
    yaml_ = load_selector((DATA / "valid" / "contract.yaml").read_bytes(), "c.yaml", ENV)
    json_ = load_selector((DATA / "valid" / "contract.json").read_bytes(), "c.json", ENV)
    assert without_locations(yaml_) == without_locations(json_)
    assert json_.rules[1].location == Location("c.json", 13, 3)


def test_the_contract_example() -> None:
    selector = load_selector((DATA / "valid" / "contract.yaml").read_bytes(), "contract.yaml", ENV)
    pool = selector.authorizers["SecurePetsPool"]
    assert pool.user_pools == (ARN,)
    assert pool.header == "Authorization"
    assert pool.app_client_id_regex == "^[0-9a-z]{26}$"
    assert pool.result_ttl_seconds == 300
    assert pool.location == Location("contract.yaml", 4, 3)
    assert pool.pool_locations == (Location("contract.yaml", 6, 9),)
    first, second, third = selector.rules
    assert (first.index, first.select.methods, first.select.paths) == (1, frozenset({"GET"}), ("/pets",))
    assert first.select.text == "GET /pets"
    assert second.scopes == ("https://pets.example.com/purchase",)
    assert third.public
    assert third.authorizer is None
    assert third.select.tags == ("health",)
    assert third.select.methods is None
    assert third.select.text == "{tags: [health]}"
    assert (selector.default, selector.cors_preflight) == ("deny", "public")
    assert selector.default_location == Location("contract.yaml", 18, 10)


def test_every_feature() -> None:
    selector = load_selector((DATA / "valid" / "everything.yaml").read_bytes(), "e.yaml", ENV)
    customers = selector.authorizers["Customers.v2"]
    assert customers.user_pools == (ENV_ARN, "eu-west-1_Abc123", "name:Customer Pool staging")
    assert customers.app_client_id_regex == "^(1example23456789|abc123)$"
    assert customers.header == "X-Customer-Token"
    assert customers.result_ttl_seconds == 0
    assert selector.authorizers["staff_pool"].result_ttl_seconds is None
    rules = selector.rules
    assert rules[0].optional
    assert rules[0].select == Select(paths=("/never",), text="* /never")
    assert rules[1].select.names_options
    assert rules[2].select.methods == frozenset({"GET", "HEAD"})
    assert rules[2].scopes == ("email", "https://pets.example.com/read")
    assert rules[3].select.methods == frozenset({"ANY"})
    mapping = rules[4].select
    assert mapping.methods == frozenset({"GET", "POST"})
    assert mapping.paths == ("/orders", "/orders/*")
    assert mapping.tags == ("orders", "Order history")
    assert mapping.operation_ids == ("list*", "get?rder")
    assert rules[5].select.operation_ids == ("price${currency}",)
    assert rules[6].select == Select(text="*")
    assert (selector.default, selector.cors_preflight) == ("public", "secured")


# --- select -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "methods", "paths"),
    [
        ("GET /pets", {"GET"}, ("/pets",)),
        ("get /pets", {"GET"}, ("/pets",)),
        ("GET,post /pets/*", {"GET", "POST"}, ("/pets/*",)),
        ("GET , POST\t/pets", {"GET", "POST"}, ("/pets",)),
        ("* /admin/**", None, ("/admin/**",)),
        ("*", None, None),
        ("  *  ", None, None),
        ("ANY /{proxy+}", {"ANY"}, ("/{proxy+}",)),
        ("OPTIONS /", {"OPTIONS"}, ("/",)),
        ("TRACE,HEAD,PATCH,PUT,DELETE /a", {"TRACE", "HEAD", "PATCH", "PUT", "DELETE"}, ("/a",)),
    ],
)
def test_select_strings(text: str, methods: set[str] | None, paths: tuple[str, ...] | None) -> None:
    select = load(with_rule(f"select: '{text}', public: true")).rules[0].select
    assert select.methods == (None if methods is None else frozenset(methods))
    assert select.paths == paths
    assert select.text == text.strip()


def test_methods_are_the_documents_methods() -> None:
    assert frozenset(METHODS) == HTTP_METHODS


def test_unknown_method_names_the_valid_ones() -> None:
    err = error(with_rule("select: PURCHASE /pets, authorizer: A"))
    assert err.message == "rule 1: PURCHASE is not an HTTP method"
    assert err.hint is not None
    assert "GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, TRACE, ANY" in err.hint
    assert "POST /purchase" in err.hint


def test_non_ascii_letters_do_not_make_a_method() -> None:
    dotless = "opt\u0131ons"  # "\u0131".upper() == "I": upper-casing alone would give OPTIONS
    assert "not an HTTP method" in error(with_rule(f"select: '{dotless} /x', public: true")).message


SELECT_TOKENS = ["GET", "get", "Post", "PURCHASE", "ANY", "opt\u0131ons", "*", "**", ",", " ", "\t", "\n"]
SELECT_TOKENS += ["\u00a0", "/", "pets", "{id}", "{*}", "a*", "?", "$${", "${", "}", "$"]
select_tokens = st.sampled_from(SELECT_TOKENS)


@given(st.lists(select_tokens, max_size=8).map("".join))
@example("*")
@example("* /**")
@example("GET,POST /a/**")
@example("GET /a$${b}")
@settings(max_examples=300)
def test_select_strings_accepted_exactly_when_the_schema_accepts(text: str) -> None:
    raw = json.dumps(
        {
            "version": 1,
            "authorizers": {"A": {"user_pools": [ARN]}},
            "rules": [{"select": text, "authorizer": "A"}],
        }
    ).encode()
    try:
        load_selector(raw, "s.json", ENV)
        loads = True
    except InputError:
        loads = False
    assert loads is VALIDATOR.is_valid(json.loads(raw))
    assert loads is (re.fullmatch(SELECT_RE, text) is not None and re.search(VARIABLE_RE, text) is None)


# --- matching ---------------------------------------------------------------------------------------------


def select_of(text: str) -> Select:
    return load(with_rule(f"select: {text}, public: true")).rules[0].select


@pytest.mark.parametrize(
    ("select", "op", "expected"),
    [
        ("'GET /pets'", operation("GET", "/pets"), True),
        ("'GET /pets'", operation("POST", "/pets"), False),
        ("'GET /pets'", operation("ANY", "/pets"), False),  # GET does not select ANY
        ("'ANY /pets'", operation("ANY", "/pets"), True),
        ("'ANY /pets'", operation("GET", "/pets"), False),
        ("'*'", operation("ANY", "/pets"), True),
        ("'* /pets/*'", operation("OPTIONS", "/pets/{petId}"), True),
        ("'* /pets/*'", operation("OPTIONS", "/pets"), False),
        ("'GET /pets/{*}'", operation("GET", "/pets/{petId}"), True),
        ("'GET /pets/{petId}'", operation("GET", "/pets/{id}"), False),
        ("{tags: [a, b]}", operation("GET", "/x", tags=("b",)), True),
        ("{tags: [a, b]}", operation("GET", "/x", tags=("B",)), False),
        ("{tags: [a]}", operation("GET", "/x"), False),
        ("{operation_ids: [get*]}", operation("GET", "/x", operation_id="getPet"), True),
        ("{operation_ids: [get*]}", operation("GET", "/x"), False),  # no operationId
        ("{operation_ids: ['*']}", operation("GET", "/x"), False),
        ("{methods: [post], paths: [/a, /b/**]}", operation("POST", "/b/c"), True),
        ("{methods: [post], paths: [/a, /b/**]}", operation("GET", "/b/c"), False),
        ("{methods: [post], tags: [t]}", operation("POST", "/a"), False),  # every key must match
        ("{methods: [post], tags: [t]}", operation("POST", "/a", tags=("t",)), True),
    ],
)
def test_matches(select: str, op: Operation, expected: bool) -> None:
    assert select_of(select).matches(op) is expected


def test_only_explicit_options_names_options() -> None:
    assert select_of("'OPTIONS,GET /a'").names_options
    assert select_of("{methods: [options]}").names_options
    assert not select_of("'* /a'").names_options
    assert not select_of("'*'").names_options


# --- variables --------------------------------------------------------------------------------------------


def pools_of(pool: str, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    return load(with_authorizer(f"user_pools: ['{pool}']"), environ).authorizers["A"].user_pools


@pytest.mark.parametrize(
    ("written", "environ", "expected"),
    [
        ("${P}", {"P": ARN}, ARN),
        ("${P:-us-east-1_Dflt}", {}, "us-east-1_Dflt"),
        ("${P:-us-east-1_Dflt}", {"P": ""}, "us-east-1_Dflt"),  # empty counts as unset
        ("${P:-us-east-1_Dflt}", {"P": "eu-west-1_Set"}, "eu-west-1_Set"),
        ("${REGION}_${SUFFIX}", {"REGION": "eu-west-1", "SUFFIX": "Ab1"}, "eu-west-1_Ab1"),
        ("${P}", {"P": "${Q}", "Q": ARN}, None),  # values are not expanded again
    ],
)
def test_expansion(written: str, environ: dict[str, str], expected: str | None) -> None:
    if expected is None:
        err = error(with_authorizer(f"user_pools: ['{written}']"), environ)
        assert "is not a user pool ARN" in err.message
    else:
        assert pools_of(written, environ) == (expected,)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("^a$${x}", "^a${x}"), ("^a$$", "^a$$"), ("^a$$${x}", "^a$${x}"), ("[$]{2}", "[$]{2}")],
)
def test_only_dollar_dollar_brace_is_an_escape(written: str, expected: str) -> None:
    selector = load(with_authorizer(f"user_pools: [{ARN}], app_client_id_regex: '{written}'"), {})
    assert selector.authorizers["A"].app_client_id_regex == expected


@pytest.mark.parametrize(
    ("written", "environ", "fragment"),
    [
        ("${P}", {}, "environment variable P is not set"),
        ("${P}", {"P": ""}, "environment variable P is empty"),
        ("${P", {"P": ARN}, "'${' is not closed by '}'"),
        ("${1P}", {"1P": ARN}, "'${1P}' is not a variable reference"),
        ("${P:=x}", {"P": ARN}, "'${P:=x}' is not a variable reference"),
        ("${}", {}, "'${}' is not a variable reference"),
    ],
)
def test_expansion_errors(written: str, environ: dict[str, str], fragment: str) -> None:
    err = error(with_authorizer(f"user_pools: ['{written}']"), environ)
    assert fragment in err.message
    assert err.location == Location("s.yaml", 3, 20)


CREDENTIAL_LIKE = ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "GITHUB_TOKEN"]
CREDENTIAL_LIKE += ["db_password", "ApiKey", "NPM_AUTH_TOKEN", "SSH_PRIVATE_KEY", "SLACK_WEBHOOK_URL"]
CREDENTIAL_LIKE += ["SENTRY_DSN", "POOL_SECRET_ARN", "MONKEY"]


@pytest.mark.parametrize("variable", CREDENTIAL_LIKE)
def test_credential_like_variables_are_refused(variable: str) -> None:
    err = error(with_authorizer(f"user_pools: ['${{{variable}}}']"), {variable: ARN})
    assert f"refusing to read ${{{variable}}}" in err.message
    assert any(word in variable.upper() for word in CREDENTIAL_WORDS)


def test_credential_check_applies_with_a_default_too() -> None:
    err = error(with_authorizer("user_pools: ['${SECRET_POOL:-us-east-1_AbC}']"), {})
    assert "refusing to read ${SECRET_POOL}" in err.message


def test_values_from_the_environment_are_never_echoed() -> None:
    environ = {"DATABASE_URL": "postgres://user:hunter2@db/x", "CLIENT": "([a-z"}
    err = error(with_authorizer("user_pools: ['${DATABASE_URL}']"), environ)
    assert "hunter2" not in str(err)
    assert "${DATABASE_URL} (from the environment)" in err.message
    err = error(with_authorizer(f"user_pools: [{ARN}], app_client_id_regex: '${{CLIENT}}'"), environ)
    assert "([a-z" not in str(err)
    assert "${CLIENT} (from the environment) is not a valid regular expression" in err.message


@pytest.mark.parametrize(
    ("selector", "where"),
    [
        (with_rule("select: 'GET /${STAGE}', public: true"), "rule 1: select"),
        (with_rule("select: {tags: ['${STAGE}']}, public: true"), "rule 1: select tags item 1"),
        (with_rule("select: {operation_ids: ['${STAGE}*']}, public: true"), "rule 1: select operation_ids"),
        (with_rule("select: 'GET /a', authorizer: A, scopes: ['${SCOPE}']"), "rule 1: scope 1"),
        (with_rule("select: 'GET /a', authorizer: '${A}'"), "rule 1"),
        (
            with_authorizer(f"user_pools: [{ARN}], identity_source: 'method.request.header.${{H}}'"),
            "authorizer 'A'",
        ),
        (
            "version: 1\nauthorizers: {A: {user_pools: [us-east-1_AbC]}}\nrules: []\ndefault: ${D}\n",
            "default",
        ),
    ],
)
def test_variables_elsewhere_are_refused(selector: str, where: str) -> None:
    environ = {"STAGE": "dev", "SCOPE": "x", "A": "A", "H": "X", "D": "A"}
    err = error(selector, environ)
    assert err.message.startswith(where)
    assert "variables (${...}) are expanded only in user_pools items and app_client_id_regex" in err.message
    assert err.hint is not None
    assert "$${" in err.hint


@given(st.lists(st.sampled_from(["$", "{", "}", "a", "$${", "${a}", "${", " "]), min_size=1, max_size=8))
def test_literal_fields_refuse_exactly_what_the_schema_refuses(parts: list[str]) -> None:
    """The schema's VARIABLE_RE and the loader's scanner agree on which `${` are variables."""
    tag = "".join(parts)
    raw = json.dumps(
        {
            "version": 1,
            "authorizers": {"A": {"user_pools": [ARN]}},
            "rules": [{"select": {"tags": [tag]}, "public": True}],
        }
    ).encode()
    try:
        load_selector(raw, "s.json", {"a": "x"})
        loads = True
    except InputError:
        loads = False
    assert loads is VALIDATOR.is_valid(json.loads(raw))


# --- pools ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (ARN, "arn"),
        ("arn:aws-us-gov:cognito-idp:us-gov-west-1:123456789012:userpool/us-gov-west-1_x", "arn"),
        ("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_" + "a" * 60, "arn"),
        ("us-east-1_AbCdEfGhI", "id"),
        ("ap-southeast-2_1", "id"),
        ("name:Pets", "name"),
        ("name:Pets pool (prod)", None),
        ("name:", None),
        ("name: Pets", None),
        ("us-east-1", None),
        ("us-east-1_", None),
        ("us-east-1_AbC-d", None),
        ("arn:aws:cognito-idp:us-east-1:123456789012:userpool/", None),
        ("arn:aws:cognito-idp:us-east-1:1234567890123:userpool/us-east-1_AbC", None),
        ("arn:aws:cognito-idp::123456789012:userpool/us-east-1_AbC", None),
        ("arn:aws-iso:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC", None),
        ("arn:aws:cognito-identity:us-east-1:123456789012:userpool/us-east-1_AbC", None),
    ],
)
def test_pool_kind(value: str, kind: str | None) -> None:
    if kind is None:
        with pytest.raises(ValueError, match="not a user pool ARN"):
            pool_kind(value)
    else:
        assert pool_kind(value) == kind


POOLS = f"""\
version: 1
authorizers:
  A:
    user_pools:
      - {ARN}
      - us-east-1_AbCdEfGhI
      - name:Pets
rules: []
"""
OTHER_ARN = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Pets"


def test_require_arns_points_at_the_first_pool_needing_aws() -> None:
    selector = load(POOLS)
    with pytest.raises(InputError) as caught:
        require_arns(selector)
    assert caught.value.message.startswith("authorizer 'A': user pool 'us-east-1_AbCdEfGhI' is a pool id")
    assert caught.value.location == Location("s.yaml", 6, 9)
    assert caught.value.hint is not None
    assert "apply --resolve" in caught.value.hint
    require_arns(load(with_authorizer(f"user_pools: [{ARN}]")))


def test_with_pools_replaces_ids_and_names() -> None:
    selector = load(POOLS).with_pools({"us-east-1_AbCdEfGhI": ARN, "name:Pets": OTHER_ARN, "unused": ARN})
    authorizer = selector.authorizers["A"]
    # The id resolves to the ARN already listed: providerARNs names each pool once.
    assert authorizer.user_pools == (ARN, OTHER_ARN)
    assert authorizer.pool_locations == (Location("s.yaml", 5, 9), Location("s.yaml", 7, 9))
    require_arns(selector)


def test_with_pools_leaves_unknown_pools_for_require_arns() -> None:
    selector = load(POOLS).with_pools({"name:Pets": OTHER_ARN})
    assert selector.authorizers["A"].user_pools == (ARN, "us-east-1_AbCdEfGhI", OTHER_ARN)
    with pytest.raises(InputError, match="is a pool id"):
        require_arns(selector)


def test_with_pools_refuses_non_arns() -> None:
    with pytest.raises(ValueError, match="must map to a user pool ARN"):
        load(POOLS).with_pools({"name:Pets": "us-east-1_Other"})


# --- reading the file -------------------------------------------------------------------------------------


def test_json_duplicate_keys_and_syntax_errors_are_located() -> None:
    err = error('{"version": 1,\n "version": 1}', name="s.json")
    assert (err.message, err.location) == ("duplicate key 'version'", Location("s.json", 2, 2))
    err = error('{"version": 1,\n "rules": [}', name="s.json")
    assert err.message.startswith("invalid YAML: ")
    assert err.location == Location("s.json", 2, 12)


def test_non_utf8_bytes_are_located() -> None:
    """The message every file gets (basics.text.decode_utf8); the column counts characters, not bytes."""
    with pytest.raises(InputError) as caught:
        load_selector(b"version: 1\nauthorizers: \xff\n", "s.yaml", {})
    assert caught.value.location == Location("s.yaml", 2, 14)
    assert caught.value.message == "not valid UTF-8: byte 0xff cannot start or continue a character"
    with pytest.raises(InputError) as caught:
        load_selector("version: 1\n# é".encode() + b"\xff\n", "s.yaml", {})
    assert caught.value.location == Location("s.yaml", 2, 4)


def test_byte_order_mark_is_accepted() -> None:
    raw = ("\ufeff" + with_authorizer(f"user_pools: [{ARN}]")).encode()
    assert load_selector(raw, "s.yaml", {}).authorizers["A"].location == Location("s.yaml", 3, 3)


def test_control_characters_are_located() -> None:
    err = error("version: 1\nrules: [a\x07]\n")
    assert err.location == Location("s.yaml", 2, 10)
    assert "U+0007" in err.message


def test_size_and_depth_are_bounded() -> None:
    with pytest.raises(InputError, match="more than the"):
        load_selector(b"#" * (MAX_SELECTOR_BYTES + 1), "s.yaml", {})
    assert "nests more than" in error("version: 1\nrules: " + "[" * 100 + "]" * 100 + "\n").message


def test_non_string_keys() -> None:
    err = error("version: 1\n1: x\n")
    assert err.message == "keys must be strings, but the key 1 at the top level is a number"
    assert err.location == Location("s.yaml", 2, 1)
    err = error("version: 1\nauthorizers:\n  123: {user_pools: [us-east-1_AbC]}\nrules: []\n")
    assert err.message == "authorizer name the number 123 is not a valid security scheme name"
    assert (
        error("version: 1\n[a]: x\n").message
        == "keys in a selector must be plain strings, not lists or mappings"
    )


def test_version_is_checked_before_other_keys() -> None:
    err = error("version: 2\nrouting: {}\n")
    assert err.message.startswith("selector version 2 is not supported")


def test_version_accepts_what_json_schema_calls_the_integer_1() -> None:
    assert load(with_authorizer(f"user_pools: [{ARN}]").replace("version: 1", "version: 1.0")).rules == ()
    assert error(with_authorizer(f"user_pools: [{ARN}]").replace("version: 1", "version: true")).message == (
        "version must be the number 1, not a boolean"
    )


def test_unknown_keys_suggest_the_nearest() -> None:
    err = error(with_rule("selct: 'GET /a', authorizer: A"))
    assert err.message == "unknown key 'selct' in rule 1"
    assert err.hint is not None
    assert err.hint.startswith("did you mean 'select'?")
    err = error(with_authorizer(f"identitySource: x, user_pools: [{ARN}]"))
    assert err.hint is not None
    assert err.hint.startswith("did you mean 'identity_source'?")
    err = error(with_authorizer(f"zzz: x, user_pools: [{ARN}]"))
    assert err.hint == (
        "valid keys in authorizer 'A': user_pools, identity_source, app_client_id_regex, result_ttl_seconds,"
        " type, audience"
    )


def test_selector_module_imports_without_the_yaml_parser() -> None:
    code = (
        "import sys, apigw_cognito.selector.loader; print(any(m.startswith('ruamel') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- the loader and the schema agree on structure ---------------------------------------------------------

POOL_CHOICES = [ARN, "us-east-1_AbC", "name:Pets", "${POOL}", "${UNSET:-eu-west-1_Dflt}", "$${POOL}"]
POOL_CHOICES += ["name: Pets", "us-east-1", "", 7, None, {"name": "Pets"}]
SELECT_CHOICES: list[Any] = ["GET /pets", "*", "* /**", "get,POST /pets/{*}", "PURCHASE /pets", "/pets"]
SELECT_CHOICES += [
    "GET",
    "GET /pets/",
    "GET /a**",
    "",
    "  GET  /x  ",
    "GET /${X}",
    "GET /a$${x}",
    ["GET /x"],
    5,
]
SELECT_CHOICES += [{"tags": ["a"]}, {}, {"methods": ["get"]}, {"methods": []}, {"methods": ["*"]}, None]
SELECT_CHOICES += [{"paths": ["/x/**"]}, {"paths": ["x"]}, {"operation_ids": ["get*"]}, {"tags": [""]}]
SELECT_CHOICES += [{"tags": "a"}, {"colour": ["x"]}, {"methods": ["GET"], "paths": ["/a"], "tags": ["t"]}]
ABSENT = object()
GATEWAY_RESPONSES_CHOICES: list[Any] = [{"cors": "auto"}, {"cors": "none"}, {"cors": "off"}, {}, None, "auto"]
GATEWAY_RESPONSES_CHOICES += [
    {"cors": {"allow_origin": o}} for o in ["*", "https://a.example:8443", "a.example"]
]
GATEWAY_RESPONSES_CHOICES += [
    {"cors": {"allow_origin": "http://localhost", "allow_headers": h}}
    for h in ["Content-Type, Authorization", "X-Api-Key", "", "'x'", "${H}", 5]
]
GATEWAY_RESPONSES_CHOICES += [
    {"cors": {"allow_headers": "X"}},
    {"cors": {"allow_origin": "https://a.example/x"}},
    {"cors": {"allow_origin": "*", "max_age": 5}},
    {"cors": "auto", "other": 1},
    {"cors": {"allow_origin": "${ORIGIN}"}},
]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(ABSENT), strategy)


def put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not ABSENT:
        target[key] = value


@st.composite
def authorizer_bodies(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, "x", [], {}]))
    body: dict[str, Any] = {}
    put(body, "user_pools", draw(maybe(st.lists(st.sampled_from(POOL_CHOICES), max_size=3))))
    identity = ["method.request.header.Authorization", "method.request.header.X-Api-Token", 5]
    identity += ["method.request.querystring.t", "method.request.header.${H}", "method.request.header."]
    put(body, "identity_source", draw(maybe(st.sampled_from(identity))))
    put(body, "app_client_id_regex", draw(maybe(st.sampled_from(["^[a-z0-9]{26}$", "${CLIENT_RE}", "", 5]))))
    ttls = [0, 300, 3600, 3601, -1, 300.0, 0.5, True, "300", None]
    put(body, "result_ttl_seconds", draw(maybe(st.sampled_from(ttls))))
    put(body, "colour", draw(maybe(st.just("blue"))))
    return body


@st.composite
def selectors(draw: st.DrawFn) -> dict[str, Any]:
    names = ["Pets", "Other.pool-2", "deny", "bad name"]
    authorizers = draw(
        st.one_of(
            st.dictionaries(st.sampled_from(names), authorizer_bodies(), max_size=3),
            st.just({f"A{i}": {"user_pools": [ARN]} for i in range(11)}),
            st.sampled_from([None, [], "x"]),
        )
    )
    # Rules only name declared authorizers: an undeclared one is a mistake only the loader sees.
    declared = list(authorizers) if isinstance(authorizers, dict) and authorizers else ["Pets"]
    rules = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.integers(0, 9)) == 0:
            rules.append(draw(st.sampled_from(["GET /x", None])))
            continue
        rule: dict[str, Any] = {}
        put(rule, "select", draw(st.sampled_from([ABSENT, *SELECT_CHOICES])))
        kind = draw(st.sampled_from(["authorizer", "public", "both", "neither", "public false"]))
        if kind in ("authorizer", "both"):
            rule["authorizer"] = draw(st.sampled_from(declared))
        if kind in ("public", "both"):
            rule["public"] = True
        if kind == "public false":
            rule["public"] = False
        scopes = [["a/b"], [], ["a b"], [""], "a", [3], ["${S}"], ["$${S}"]]
        put(rule, "scopes", draw(maybe(st.sampled_from(scopes))))
        put(rule, "optional", draw(maybe(st.sampled_from([True, False, "yes"]))))
        put(rule, "when", draw(maybe(st.just("always"))))
        put(rule, "api_key", draw(maybe(st.sampled_from(["required", "none", "keep", True, None]))))
        rules.append(rule)
    data: dict[str, Any] = {}
    put(data, "version", draw(st.sampled_from([1, 1, 1, 1.0, 2, "1", True, ABSENT])))
    put(data, "authorizers", authorizers if draw(st.integers(0, 9)) else ABSENT)
    put(data, "rules", draw(st.sampled_from([rules, rules, rules, None, ABSENT])))
    put(data, "default", draw(st.sampled_from([ABSENT, "deny", "public", declared[0], 5, None])))
    put(data, "cors_preflight", draw(st.sampled_from([ABSENT, "public", "secured", "off"])))
    put(data, "gateway_responses", draw(maybe(st.sampled_from(GATEWAY_RESPONSES_CHOICES))))
    put(data, "extra", draw(maybe(st.just(1))))
    return data


@given(selectors())
@settings(max_examples=400)
def test_loader_and_schema_accept_the_same_structures(data: dict[str, Any]) -> None:
    environ = {"POOL": OTHER_ARN, "CLIENT_RE": "^x$"}
    raw = json.dumps(data).encode()
    try:
        load_selector(raw, "s.json", environ)
        loads, why = True, ""
    except InputError as exc:
        loads, why = False, str(exc)
    errors = [e.message for e in VALIDATOR.iter_errors(data)]
    assert loads is (not errors), f"loader: {why or 'accepts'}; schema: {errors or 'accepts'}"
