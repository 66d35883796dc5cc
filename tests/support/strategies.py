"""Hypothesis strategies for OpenAPI documents and selectors: small alphabets so that cases collide."""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.support.paths import ROOT

SEGMENTS = ["pets", "orders", "{id}", "items", "v1"]
# Every path item key API Gateway imports as a method.
METHODS = [
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "x-amazon-apigateway-any-method",
]
TAGS = ["pets", "admin", "health"]
ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
ARN2 = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Zz9"
ARN3 = "arn:aws-cn:cognito-idp:cn-north-1:210987654321:userpool/cn-north-1_Q1w2E3r4T"

paths = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3).map(lambda s: "/" + "/".join(s))


@st.composite
def operation(
    draw: st.DrawFn, op_id: str, path: str, method: str = "get", swagger: bool = False
) -> dict[str, Any]:
    op: dict[str, Any] = {}
    if draw(st.integers(0, 4)):  # now and then an operation without an id
        op["operationId"] = op_id
    if draw(st.booleans()):
        op["tags"] = draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
    if "{id}" in path:
        parameter: dict[str, Any] = {"name": "id", "in": "path", "required": True}
        parameter.update({"type": "string"} if swagger else {"schema": {"type": "string"}})
        op["parameters"] = [parameter]
    op["responses"] = {
        "200": {"description": draw(st.sampled_from(["ok", "on", "2020-01-01", "a: b", "#x"]))}
    }
    existing = draw(st.sampled_from([None, [], [{"Legacy": []}], [{"Pool": ["old"]}], *KEYED_SECURITY]))
    if existing is not None:
        op["security"] = copy.deepcopy(existing)
    if draw(st.booleans()):
        op["x-amazon-apigateway-integration"] = {"type": "mock"}
        if method == "options" and draw(st.booleans()):  # a preflight answering with CORS headers
            origin = draw(st.sampled_from(["'*'", "'*'", "'https://app.example.com'"]))
            op["x-amazon-apigateway-integration"]["responses"] = {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {
                        "method.response.header.Access-Control-Allow-Origin": origin,
                        "method.response.header.Access-Control-Allow-Headers": draw(
                            st.sampled_from(["'Content-Type,Authorization'", "'X-Api-Key'"])
                        ),
                    },
                }
            }
    return op


# Requirements naming `metered`, an API key scheme (x-api-key in a header) when the document defines it:
# alone, AND-ed with a Cognito scheme, and as an OR-ed alternative.
KEYED_SECURITY: list[list[dict[str, list[str]]]] = [
    [{"metered": []}],
    [{"Pool": ["old"], "metered": []}],
    [{"Legacy": []}, {"metered": []}],
]
METERED = {"type": "apiKey", "name": "x-api-key", "in": "header"}
# Gateway responses documents already declare: a custom template, a header with another origin, another
# header, a 5XX status.
EXISTING_GATEWAY_RESPONSES: list[dict[str, Any]] = [
    {
        "UNAUTHORIZED": {
            "statusCode": "401",
            "responseTemplates": {"application/json": '{"message":"sign in"}'},
        }
    },
    {
        "DEFAULT_4XX": {
            "responseParameters": {
                "gatewayresponse.header.Access-Control-Allow-Origin": "'https://x.example'"
            }
        }
    },
    {"ACCESS_DENIED": {"responseParameters": {"gatewayresponse.header.X-Trace": "'1'"}}},
    {"THROTTLED": {"statusCode": "429"}, "DEFAULT_5XX": None},
]


@st.composite
def openapi_documents(draw: st.DrawFn) -> dict[str, Any]:
    """An OpenAPI 3.0 or Swagger 2.0 document (as often one as the other) with every kind of method."""
    swagger = draw(st.booleans())
    version = {"swagger": "2.0"} if swagger else {"openapi": "3.0.3"}
    doc: dict[str, Any] = {**version, "info": {"title": "Generated", "version": "1"}, "paths": {}}
    counter = 0
    for path in draw(st.lists(paths, min_size=1, max_size=5, unique=True)):
        item: dict[str, Any] = {}
        for method in draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=4, unique=True)):
            counter += 1
            item[method] = draw(operation(f"op{counter}", path, method, swagger))
        doc["paths"][path] = item
    schemes: dict[str, Any] = {"Legacy": {"type": "apiKey", "name": "X-Legacy", "in": "header"}}
    if draw(st.booleans()):
        schemes["Pool"] = {"type": "apiKey", "name": "Authorization", "in": "header"}
    if draw(st.booleans()):
        schemes["metered"] = dict(METERED)
    if swagger:
        doc["securityDefinitions"] = schemes
    else:
        doc["components"] = {"securitySchemes": schemes}
    if draw(st.integers(0, 2)) == 0:
        doc["x-amazon-apigateway-gateway-responses"] = copy.deepcopy(
            draw(st.sampled_from(EXISTING_GATEWAY_RESPONSES))
        )
    return doc


def render(doc: dict[str, Any], style: str) -> bytes:
    """The document as a file in one of several styles users write."""
    if style == "json2":
        return (json.dumps(doc, indent=2) + "\n").encode()
    if style == "json-min":
        return json.dumps(doc, separators=(",", ":")).encode()
    if style == "yaml-flow":
        return yaml.safe_dump(doc, sort_keys=False, default_flow_style=True, width=80).encode()
    indent = 4 if style == "yaml4" else 2
    text = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, indent=indent)
    # Comments before keys, as hand-written documents have them.
    lines = []
    for i, line in enumerate(text.splitlines()):
        if i % 7 == 3 and line.strip() and not line.lstrip().startswith("-"):
            lines.append(" " * (len(line) - len(line.lstrip())) + "# a comment")
        lines.append(line)
    out = "\n".join(lines) + "\n"
    if style == "yaml-crlf":
        out = out.replace("\n", "\r\n")
    return out.encode()


STYLES = ["json2", "json-min", "yaml2", "yaml4", "yaml-flow", "yaml-crlf"]

# Method lists and path globs chosen so that rules overlap: each names methods or paths another one names too.
SELECT_METHODS = [
    "*",
    "GET",
    "POST,PUT",
    "OPTIONS",
    "ANY",
    "get,delete",
    "DELETE",
    "PATCH,HEAD",
    "TRACE,options",
    "GET,OPTIONS,ANY",
]
PATH_GLOBS = ["/**", "/pets/**", "/*", "/pets", "/orders/{id}", "/*/{id}", "/**/items", "/{*}/**", "/p*/**"]
METHOD_NAMES = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "ANY"]
OPERATION_ID_GLOBS = ["op1*", "op?", "op*2", "*", "op1"]

select_strings = st.one_of(
    st.builds(lambda m, p: f"{m} {p}", st.sampled_from(SELECT_METHODS), st.sampled_from(PATH_GLOBS)),
    st.just("*"),
)


@st.composite
def select_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """`{methods, paths, tags, operation_ids}` with at least one key."""
    keys = draw(
        st.lists(
            st.sampled_from(["methods", "paths", "tags", "operation_ids"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    pools = {"methods": METHOD_NAMES, "paths": PATH_GLOBS, "tags": TAGS, "operation_ids": OPERATION_ID_GLOBS}
    return {
        key: draw(st.lists(st.sampled_from(pools[key]), min_size=1, max_size=2, unique=True)) for key in keys
    }


# Authorizers: one pool, several pools (across partitions and accounts), a custom token header with the
# optional keys.
AUTHORIZERS: dict[str, dict[str, Any]] = {
    "Pool": {"user_pools": [ARN]},
    "Other": {"user_pools": [ARN, ARN2]},
    "Partners": {
        "user_pools": [ARN2, ARN3, ARN],
        "identity_source": "method.request.header.X-Id-Token",
        "app_client_id_regex": "^[0-9a-z]{26}$",
        "result_ttl_seconds": 0,
    },
}


@st.composite
def selectors(draw: st.DrawFn) -> dict[str, Any]:
    rules = []
    for _ in range(draw(st.integers(0, 6))):
        select = draw(st.one_of(select_strings, select_mappings()))
        rule: dict[str, Any] = {"select": select, "optional": True}
        if draw(st.booleans()):
            rule["public"] = True
        else:
            rule["authorizer"] = draw(st.sampled_from(sorted(AUTHORIZERS)))
            scopes = draw(st.lists(st.sampled_from(["read", "write", "https://x.example/a"]), max_size=2))
            if scopes:
                rule["scopes"] = scopes
        api_key = draw(st.sampled_from([None, None, "required", "none"]))
        if api_key is not None:
            rule["api_key"] = api_key
        rules.append(rule)
    selector = {
        "version": 1,
        "authorizers": copy.deepcopy(AUTHORIZERS),
        "rules": rules,
        "default": draw(st.sampled_from(["deny", "public", "Pool", "Partners"])),
        "cors_preflight": draw(st.sampled_from(["public", "secured"])),
    }
    cors = draw(st.sampled_from([None, "auto", "auto", "none", "explicit"]))
    if cors == "explicit":
        selector["gateway_responses"] = {
            "cors": {"allow_origin": "https://app.example.com", "allow_headers": "Content-Type,Authorization"}
        }
    elif cors is not None:
        selector["gateway_responses"] = {"cors": cors}
    return selector


# --- hostile inputs for the fuzz suite ---------------------------------------------------------------------
#
# A fuzz case is a file (name, bytes) plus the hazards applied to it. Bases are real (the bundled specs and
# selectors, the test selector files), generated (the strategies above) and small hand-written ones in the
# styles people use; mutations work on the data (then rendered) or on the bytes.

SPEC_FILES = ("specs/securepets.yaml", "specs/securepets-swagger2.json")
SELECTOR_FILES = (
    "specs/securepets.selector.yaml",
    "tests/data/selectors/valid/contract.json",
    "tests/data/selectors/valid/contract.yaml",
    "tests/data/selectors/valid/everything.yaml",
    "tests/data/selectors/valid/flow.yaml",
    "tests/data/selectors/valid/minimal.yaml",
    "tests/data/selectors/valid/tutorial.yaml",
)
# What the selector files above read from the environment.
SELECTOR_ENV = {"CUSTOMER_POOL_ARN": ARN, "CLIENT_ID": "[0-9a-z]{26}", "SECUREPETS_USER_POOL": ""}

HANDWRITTEN_YAML = """\
# Orders service: a hand-written document with the features people use.
openapi: "3.0.1"
info: {title: Orders, version: "1.0"}
x-shared:
  ok: &ok
    description: OK
    content:
      application/json:
        schema: {type: object}
paths:
  /orders:
    get:
      operationId: listOrders
      tags: [orders]
      description: |
        Lists orders.

        Paged, newest first.
      responses:
        '200': *ok
    post:
      operationId: createOrder   # creates one
      responses: {'201': {description: created}}
  "/orders/{id}":
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    x-amazon-apigateway-any-method:
      operationId: anyOrder
      responses:
        default: {description: any}
    delete:
      operationId: deleteOrder
      security: []
      responses:
        '204': {description: gone}
  /health:
    get: {operationId: health, tags: [health], responses: {'200': {description: up}}}
"""

HANDWRITTEN_JSON = (
    '{"swagger":"2.0","info":{"title":"Caf\\u00e9 \\u202eAPI","version":"1"},"basePath":"/v1",'
    '"paths":{"/menu":{"get":{"operationId":"menu","tags":["public"],"responses":{"200":{"description":"ok"}}},'
    '"options":{"responses":{"200":{"description":"cors"}}}},'
    '"/orders/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"type":"string"}],'
    '"responses":{"200":{"description":"\\u00e9\\ud83d\\ude00"}}}}}}'
)

DENY_SELECTOR = {
    "version": 1,
    "authorizers": {"Pool": {"user_pools": [ARN]}},
    "rules": [
        {"select": {"tags": ["health", "public"]}, "public": True, "optional": True},
        {"select": "GET /**", "authorizer": "Pool", "optional": True},
        {"select": "POST,PUT,PATCH,DELETE /**", "authorizer": "Pool", "scopes": ["write"], "optional": True},
    ],
    "default": "deny",
    "cors_preflight": "public",
}
# Overlapping rules ending in a `*` rule, with several pools and a custom token header: the first rule that
# selects an operation decides it (DELETE gets the admin scope, not rule 3's none), and `*` never secures a
# preflight.
STAR_SELECTOR = {
    "version": 1,
    "authorizers": {"Pool": {"user_pools": [ARN, ARN2], "identity_source": "method.request.header.X-Token"}},
    "rules": [
        {"select": {"tags": ["health", "public"]}, "public": True, "optional": True},
        {"select": "DELETE /**", "authorizer": "Pool", "scopes": ["admin"], "optional": True},
        {"select": "* /**", "authorizer": "Pool", "optional": True},
    ],
    "default": "deny",
    "cors_preflight": "public",
}

ODD_CHARACTERS = [
    "\x00",  # NUL
    "\x07",  # a C0 control YAML refuses
    "\x85",  # NEL: a line break to YAML 1.1, a C1 control
    "\x9f",  # a C1 control YAML refuses raw
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u2028",  # line separator
    "\ufeff",  # a byte-order mark inside the text
    "\ufffe",  # a non-character
    "\U0001f600",  # outside the BMP
    "\t",
    "\r",
]
# In data: lone surrogates too, which JSON can write as escapes (and UTF-8 cannot hold).
ODD_TEXT = [*ODD_CHARACTERS, "\ud800", "\udfff"]
# Bytes no UTF-8 text holds: a lone surrogate (U+D800 encoded), a stray continuation byte, an overlong
# encoding, 0xFF.
BAD_UTF8 = [b"\xed\xa0\x80", b"\x80", b"\xc0\xaf", b"\xff"]


def read_base(path: str) -> bytes:
    return (ROOT / path).read_bytes()


@dataclass(frozen=True)
class FuzzFile:
    name: str  # a file name whose suffix says the format (.yaml or .json)
    raw: bytes
    hazards: tuple[str, ...]  # what was done to it, for the statistics

    def __repr__(self) -> str:  # short in Hypothesis' falsifying example
        more = "..." if len(self.raw) > 300 else ""
        return f"FuzzFile({self.name!r}, {self.raw[:300]!r}{more}, {self.hazards})"


def deep_copy(data: Any) -> Any:
    """A copy of `data`, which a previous mutation may have nested thousands of levels deep."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        return copy.deepcopy(data)
    finally:
        sys.setrecursionlimit(old)


def _pointers(data: Any, prefix: tuple[Any, ...] = (), limit: int = 400) -> list[tuple[Any, ...]]:
    """Every pointer into `data` (containers and scalars), breadth first, at most `limit`."""
    found: list[tuple[Any, ...]] = []
    queue: list[tuple[tuple[Any, ...], Any]] = [(prefix, data)]
    while queue and len(found) < limit:
        pointer, node = queue.pop(0)
        found.append(pointer)
        if isinstance(node, dict):
            queue.extend(((*pointer, k), v) for k, v in node.items())
        elif isinstance(node, list):
            queue.extend(((*pointer, i), v) for i, v in enumerate(node))
    return found


def _parent(data: Any, pointer: tuple[Any, ...]) -> Any:
    for step in pointer[:-1]:
        data = data[step]
    return data


WRONG_TYPES: list[Any] = [None, 0, -1, 1.5, True, "", "text", [], {}, [1, "a"], {"k": None}]


@st.composite
def data_mutation(draw: st.DrawFn, data: Any) -> tuple[Any, str]:
    """One change to a copy of `data`: a key dropped, a wrong type, odd text, a huge value, deep nesting."""
    data = deep_copy(data)
    pointers = [p for p in _pointers(data) if p]
    if not pointers:
        return data, "none"
    pointer = draw(st.sampled_from(pointers))
    parent = _parent(data, pointer)
    key = pointer[-1]
    kind = draw(
        st.sampled_from(["drop", "wrong-type", "odd-unicode", "huge-scalar", "deep-nesting", "odd-key"])
    )
    if kind == "drop":
        del parent[key]
    elif kind == "wrong-type":
        parent[key] = copy.deepcopy(draw(st.sampled_from(WRONG_TYPES)))
    elif kind == "odd-unicode":
        odd = draw(st.text(st.sampled_from(ODD_TEXT), min_size=1, max_size=4))
        old = parent[key]
        parent[key] = (old if isinstance(old, str) else "x") + odd
    elif kind == "huge-scalar":
        parent[key] = draw(
            st.sampled_from(["x" * 300_000, 10**4000, -(10**300), 1e308, "\u00e9" * 100_000, "/a" * 50_000])
        )
    elif kind == "deep-nesting":
        depth = draw(st.sampled_from([50, 999, 1_001, 3_000]))
        value: Any = "leaf"
        for _ in range(depth):
            value = [value] if draw(st.booleans()) else {"k": value}
        parent[key] = value
    elif isinstance(parent, dict):  # a key made of odd characters, next to the one picked
        odd_key = draw(st.text(st.sampled_from([*ODD_TEXT, "/", "{", "~", " "]), min_size=1, max_size=5))
        parent[odd_key] = parent.get(key)
    else:
        parent.append(deep_copy(parent[key]))
    return data, kind


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [raw]


@st.composite
def byte_mutation(draw: st.DrawFn, raw: bytes, yaml_like: bool) -> tuple[bytes, str]:
    """One change to the bytes of a file."""
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "random-bytes",
                "overwrite",
                "bom",
                "crlf",
                "lone-cr",
                "tabs",
                "long-line",
                "duplicate-line",
                "drop-line",
                "swap-lines",
                "odd-unicode-raw",
                "bad-utf8",
                "deep-brackets",
                "alias-bomb",
                "python-tag",
                "merge-key",
            ]
        )
    )
    at = draw(st.integers(0, len(raw)))
    lines = _lines(raw)
    line = draw(st.integers(0, len(lines) - 1))
    if kind == "truncate":
        return raw[:at], kind
    if kind == "random-bytes":
        return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:], kind
    if kind == "overwrite":
        return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at + 8 :], kind
    if kind == "bom":
        return b"\xef\xbb\xbf" + raw, kind
    if kind == "crlf":
        return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), kind
    if kind == "lone-cr":
        return raw[:at] + b"\r" + raw[at:], kind
    if kind == "tabs":
        return b"".join(
            b"\t" + ln.lstrip(b" ") if ln.startswith(b"  ") and i % 2 == 0 else ln
            for i, ln in enumerate(lines)
        ), kind
    if kind == "long-line":
        filler = b"#" + b"x" * 200_000 + b"\n" if yaml_like else b" " * 200_000
        return b"".join([*lines[:line], filler, *lines[line:]]), kind
    if kind == "duplicate-line":
        return b"".join([*lines[: line + 1], lines[line], *lines[line + 1 :]]), kind
    if kind == "drop-line":
        return b"".join([*lines[:line], *lines[line + 1 :]]), kind
    if kind == "swap-lines":
        other = draw(st.integers(0, len(lines) - 1))
        swapped = list(lines)
        swapped[line], swapped[other] = swapped[other], swapped[line]
        return b"".join(swapped), kind
    if kind == "odd-unicode-raw":
        return raw[:at] + draw(st.sampled_from(ODD_CHARACTERS)).encode("utf-8") + raw[at:], kind
    if kind == "bad-utf8":
        return raw[:at] + draw(st.sampled_from(BAD_UTF8)) + raw[at:], kind
    if kind == "deep-brackets":
        depth = draw(st.sampled_from([500, 1_001, 5_000, 100_000]))
        return raw[:at] + b"[" * depth + b"]" * depth + raw[at:], kind
    if kind == "alias-bomb":
        bomb = b'x-lol: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
            f"x-l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n".encode() for i in range(1, 10)
        )
        return (raw + b"\n" + bomb) if yaml_like else (bomb + raw), kind
    if kind == "python-tag":
        tag = draw(
            st.sampled_from(
                [
                    b"!!python/object/apply:os.system ['touch /tmp/apigw-cognito-fuzz-pwned']",
                    b"!!python/object/new:subprocess.Popen [['touch', '/tmp/apigw-cognito-fuzz-pwned']]",
                    b"!!python/name:os.system",
                    b"!Ref Thing",
                    b"!!binary aGVsbG8=",
                    b"!!set {a, b}",
                ]
            )
        )
        return raw + b"\nx-tagged: " + tag + b"\n", kind
    # merge-key: a merge into the document's first mapping line that has a block value
    return raw + b"\nx-base: &base {summary: merged}\nx-merged:\n  <<: *base\n  other: 1\n", kind


@st.composite
def _document_base(draw: st.DrawFn) -> tuple[str, bytes, Any, str]:
    """(name, bytes, data or None, origin) of a valid document to start from."""
    origin = draw(st.sampled_from(["bundled", "generated", "handwritten"]))
    if origin == "bundled":
        path = draw(st.sampled_from(SPEC_FILES))
        raw = read_base(path)
        name = Path(path).name
        data = json.loads(raw) if name.endswith(".json") else yaml.safe_load(raw)
        return name, raw, data, origin
    if origin == "generated":
        doc = draw(openapi_documents())
        style = draw(st.sampled_from(STYLES))
        name = "api.json" if style.startswith("json") else "api.yaml"
        return name, render(doc, style), doc, origin
    if draw(st.booleans()):
        return "orders.yaml", HANDWRITTEN_YAML.encode(), yaml.safe_load(HANDWRITTEN_YAML), origin
    return "cafe.json", HANDWRITTEN_JSON.encode(), json.loads(HANDWRITTEN_JSON), origin


def _dump(data: Any, name: str, pretty: bool) -> bytes:
    """`data` as the file `name` would hold it; data nested too deep for the YAML dumper is written as JSON
    (a YAML flow collection), and lone surrogates as JSON escapes."""
    if name.endswith(".yaml"):
        try:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=float("inf"))
            return text.encode("utf-8", "surrogatepass")
        except RecursionError:
            pass
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        text = json.dumps(data, indent=2 if pretty else None, ensure_ascii=False)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(data, indent=2 if pretty else None).encode("ascii")
    finally:
        sys.setrecursionlimit(old)


@st.composite
def hostile_documents(draw: st.DrawFn, max_mutations: int = 3) -> FuzzFile:
    """A valid document with up to `max_mutations` data or byte mutations (none at all now and then)."""
    name, raw, data, origin = draw(_document_base())
    hazards: list[str] = [origin]
    count = draw(st.integers(0, max_mutations))
    if count and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            data, kind = draw(data_mutation(data))
            hazards.append(kind)
            count -= 1
        try:
            raw = _dump(data, name, draw(st.booleans()))
        except (ValueError, RecursionError, OverflowError):  # what the dumper itself cannot write
            hazards.append("unwritable")
    for _ in range(max(0, count)):
        raw, kind = draw(byte_mutation(raw, yaml_like=name.endswith(".yaml")))
        hazards.append(kind)
    return FuzzFile(name, raw, tuple(hazards))


@st.composite
def hostile_selectors(draw: st.DrawFn, max_mutations: int = 2) -> FuzzFile:
    """A valid selector (bundled, a test file, or generated) with up to `max_mutations` mutations."""
    origin = draw(st.sampled_from(["bundled", "generated"]))
    if origin == "bundled":
        path = draw(st.sampled_from(SELECTOR_FILES))
        name, raw = Path(path).name, read_base(path)
        try:  # flow.yaml uses plain scalars PyYAML cannot read: it is mutated as bytes only
            data = json.loads(raw) if name.endswith(".json") else yaml.safe_load(raw)
        except yaml.YAMLError:
            data = None
    else:
        data = draw(selectors())
        name = draw(st.sampled_from(["sel.yaml", "sel.json"]))
        raw = _dump(data, name, True)
    hazards: list[str] = [f"selector-{origin}"]
    count = draw(st.integers(0, max_mutations))
    if count and data is not None and draw(st.booleans()):
        data, kind = draw(data_mutation(data))
        hazards.append(kind)
        count -= 1
        try:
            raw = _dump(data, name, True)
        except (ValueError, RecursionError, OverflowError):
            hazards.append("unwritable")
    for _ in range(count):
        raw, kind = draw(byte_mutation(raw, yaml_like=name.endswith(".yaml")))
        hazards.append(kind)
    return FuzzFile(name, raw, tuple(hazards))


def plain_selector(name: str = "deny.yaml") -> FuzzFile:
    """The deny-by-default selector the security property uses, as a file."""
    return FuzzFile(name, _dump(DENY_SELECTOR, name, True), ("deny-selector",))


# --- split documents: path items behind $ref, in the layouts spec-first teams use ---------------------

# Layouts of one path item: inline, elsewhere in the root, its own file, under a pointer in a shared file,
# behind a chain of two references, or the same file as an earlier path (a shared item).
LAYOUTS = ["inline", "local", "file", "pointer", "chain", "shared"]
# What can be wrong with a reference; each must stop the run with one located message and touch no file.
REFERENCE_HAZARDS = ["missing", "cycle", "escape", "nothing", "not-mapping", "remote", "deep-chain", "beside"]


@dataclass(frozen=True)
class SplitTree:
    root: str  # the root file's name, relative to the tree
    files: dict[str, bytes]
    hazards: tuple[str, ...]


def _text(data: Any, name: str) -> bytes:
    if name.endswith(".json"):
        return (json.dumps(data, indent=2) + "\n").encode()
    return yaml.safe_dump(data, sort_keys=False).encode()


@st.composite
def split_trees(draw: st.DrawFn) -> SplitTree:
    """A document whose path items are written in the layouts above; now and then a bad reference."""
    doc = draw(openapi_documents())
    ext = draw(st.sampled_from([".yaml", ".json"]))
    data: dict[str, dict[str, Any]] = {}  # file name -> content
    refs: dict[str, Any] = {}
    hazards: list[str] = []
    first_file: str | None = None
    for i, (path, item) in enumerate(doc["paths"].items()):
        layout = draw(st.sampled_from(LAYOUTS))
        if layout == "local":
            doc.setdefault("x-path-items", {})[f"i{i}"] = item
            refs[path] = {"$ref": f"#/x-path-items/i{i}"}
        elif layout in ("file", "shared") and not (layout == "shared" and first_file):
            first_file = first_file or f"paths/p{i}{ext}"
            data[f"paths/p{i}{ext}"] = item
            refs[path] = {"$ref": f"paths/p{i}{ext}"}
        elif layout == "shared":
            refs[path] = {"$ref": first_file}
        elif layout == "pointer":
            data.setdefault(f"shared{ext}", {}).setdefault("x-items", {})[f"i{i}"] = item
            refs[path] = {"$ref": f"shared{ext}#/x-items/i{i}"}
        elif layout == "chain":
            data[f"c{i}a{ext}"] = {"$ref": f"c{i}b{ext}"}
            data[f"c{i}b{ext}"] = item
            refs[path] = {"$ref": f"c{i}a{ext}"}
        else:
            refs[path] = item
    if draw(st.integers(0, 4)) == 0:
        hazard = draw(st.sampled_from(REFERENCE_HAZARDS))
        hazards.append(hazard)
        bad = {
            "missing": {"$ref": f"missing{ext}"},
            "cycle": {"$ref": f"loop{ext}"},
            "escape": {"$ref": f"../outside{ext}"},
            "nothing": {"$ref": f"bad{ext}#/no/such/place"},
            "not-mapping": {"$ref": f"bad{ext}#/list"},
            "remote": {"$ref": "https://example.com/paths/item.yaml"},
            "deep-chain": {"$ref": f"d0{ext}"},
            "beside": {"$ref": f"bad{ext}#/item", "get": {"responses": {"200": {"description": "ok"}}}},
        }[hazard]
        refs["/hazard"] = bad
        data[f"loop{ext}"] = {"$ref": f"loop2{ext}"}
        data[f"loop2{ext}"] = {"$ref": f"loop{ext}"}
        data[f"bad{ext}"] = {"list": [1, 2], "item": {"post": {"responses": {}}}}
        if hazard == "deep-chain":
            data.update({f"d{n}{ext}": {"$ref": f"d{n + 1}{ext}"} for n in range(70)})
            data[f"d70{ext}"] = {"get": {"responses": {}}}
    doc["paths"] = refs
    root = f"openapi{ext}"
    files = {root: _text(doc, root), **{name: _text(value, name) for name, value in data.items()}}
    return SplitTree(root, files, tuple(hazards))


# --- live REST APIs (GetAuthorizers and GetResources items), for adopt and the live audit ----------------

LIVE_AUTHORIZER_NAMES = ["PetsPool", "Pets Pool", "PetsPool", "admin"]  # a repeat, as LocalStack makes


@st.composite
def live_api_items(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(GetAuthorizers items, GetResources items with methods) of a small API secured by hand."""
    names = draw(st.lists(st.sampled_from(LIVE_AUTHORIZER_NAMES), min_size=1, max_size=3))
    authorizers = [
        {
            "id": f"a{i}",
            "name": name,
            "type": "COGNITO_USER_POOLS",
            "providerARNs": draw(st.lists(st.sampled_from([ARN, ARN2]), min_size=1, max_size=2, unique=True)),
            "identitySource": draw(
                st.sampled_from(["method.request.header.Authorization", "method.request.header.X-Token"])
            ),
        }
        | ({"identityValidationExpression": "^[0-9a-z]{26}$"} if draw(st.booleans()) else {})
        | (
            {"authorizerResultTtlInSeconds": draw(st.sampled_from([0, 300, 3600]))}
            if draw(st.booleans())
            else {}
        )
        for i, name in enumerate(names)
    ]
    resources = []
    for path in sorted(set(draw(st.lists(paths, min_size=1, max_size=4)))):
        methods: dict[str, Any] = {}
        for verb in draw(st.lists(st.sampled_from(["GET", "POST", "OPTIONS", "ANY", "DELETE"]), unique=True)):
            kind = draw(st.sampled_from(["NONE", "COGNITO_USER_POOLS", "COGNITO_USER_POOLS", "AWS_IAM"]))
            method: dict[str, Any] = {"httpMethod": verb, "authorizationType": kind}
            if kind == "COGNITO_USER_POOLS":
                method["authorizerId"] = draw(st.sampled_from([a["id"] for a in authorizers]))
                scopes = draw(
                    st.lists(st.sampled_from(["pets/read", "https://x.example/w", "on"]), unique=True)
                )
                if scopes:
                    method["authorizationScopes"] = scopes
            method["apiKeyRequired"] = draw(st.booleans())
            methods[verb] = method
        resources.append({"path": path, "resourceMethods": methods})
    return authorizers, resources
