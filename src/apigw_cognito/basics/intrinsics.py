"""Deploy-time references to a user pool: CloudFormation intrinsic functions (long form), CDK tokens and
Terraform template variables, as a selector's `user_pools` item and a document's providerARNs item.

A reference is data (``{"Fn::GetAtt": ["UserPool", "Arn"]}``) that CloudFormation replaces by a string
when it deploys the template holding the document. Only the functions that can give a string stand for a
pool; `problems` says what is malformed, with the path to it inside the reference, following
CloudFormation's "Intrinsic function reference". Pools stay strings everywhere else in the tool: a
reference travels as its canonical JSON text (`reference_text`), which no ARN, pool id or name can be.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

# The functions whose result can be a user pool ARN: what a providerARNs item may be.
POOL_FUNCTIONS = (
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Select",
    "Fn::FindInMap",
    "Fn::If",
)
# Functions that may only stand inside another one (they give lists), besides POOL_FUNCTIONS.
_INNER_FUNCTIONS = ("Fn::Split", "Fn::GetAZs")
PSEUDO_PARAMETERS = (
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
)
LOGICAL_ID_RE = r"[A-Za-z0-9]+"
# A CDK token in a string, as `UserPool.user_pool_arn` gives it: ${Token[TOKEN.123]}.
CDK_TOKEN_RE = r"\$\{Token\[[A-Za-z0-9_.\-]+\]\}"
# A Terraform template variable written where the pool goes: ${user_pool_arn}. The name is an HCL
# identifier (letters, digits, '_' and '-', not starting with a digit or '-').
TEMPLATE_VARIABLE_RE = r"\$\{([A-Za-z_][A-Za-z0-9_-]*)\}"
# The parts of a Fn::Sub string: ${!Literal}, ${Name} or ${Name.Attribute}.
_SUB_PART = re.compile(r"\$\{([^}]*)\}?")
_SUB_NAME = re.compile(rf"(?:{LOGICAL_ID_RE}|AWS::[A-Za-z]+)(?:\.[A-Za-z0-9.]+)?")

Path = tuple[str | int, ...]


def is_function(value: Any) -> bool:
    """True for a mapping that is written as an intrinsic function: one key, Ref or Fn::<Name>."""
    return (
        isinstance(value, Mapping)
        and len(value) == 1
        and isinstance(key := next(iter(value)), str)
        and (key == "Ref" or key.startswith("Fn::"))
    )


def reference_text(value: Any) -> str:
    """The canonical text a reference travels as: JSON, keys sorted, no spaces."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reference_data(text: str) -> Any:
    """The reference data back from `reference_text`."""
    return json.loads(text)


def is_reference_text(text: str) -> bool:
    return text.startswith('{"')


def shown_reference(text: str) -> str:
    """A reference as a reader of templates writes it: {Fn::GetAtt: [UserPool, Arn]}."""
    return _shown(reference_data(text))


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return json.dumps(value) if not isinstance(value, str) or not value or " " in value else value


def _plain(value: Any) -> Any:
    """Plain dicts, lists and scalars (the selector's parser gives its own mapping and list types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def problems(value: Any) -> list[tuple[Path, str]]:
    """What makes `value` unfit as a reference to a user pool ARN, each with the path to the part at fault
    (() for the reference itself); empty when it is well formed."""
    if not is_function(value):
        return [((), "a reference is a mapping with one key, Ref or Fn::<Name>, as in a template")]
    name = next(iter(value))
    if name not in POOL_FUNCTIONS:
        known = name in _INNER_FUNCTIONS or name in _OTHER_FUNCTIONS
        what = f"{name} does not give a string" if known else f"{name} is not a CloudFormation function"
        return [((), f"{what}; a user pool ARN comes from {', '.join(POOL_FUNCTIONS)}")]
    return list(_function(value, ()))


# Functions CloudFormation has that cannot give a pool ARN (named, so that a message can say so).
_OTHER_FUNCTIONS = (
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::Length",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Fn::ForEach",
)


def _function(value: Mapping[str, Any], path: Path) -> Iterator[tuple[Path, str]]:
    name = next(iter(value))
    body = value[name]
    at = (*path, name)
    check = _CHECKS.get(name)
    if check is None:
        yield (path, f"{name} cannot stand inside a reference to a user pool")
        return
    yield from check(body, at)


def _value(body: Any, path: Path, what: str) -> Iterator[tuple[Path, str]]:
    """A string, or a nested function."""
    if isinstance(body, str):
        return
    if is_function(body):
        yield from _function(body, path)
        return
    yield (path, f"{what} must be a string or a function, not {_kind(body)}")


def _list_value(body: Any, path: Path, what: str) -> Iterator[tuple[Path, str]]:
    """A list of strings and functions, or a function that gives a list."""
    if isinstance(body, list):
        for index, item in enumerate(body):
            yield from _value(item, (*path, index), f"{what} item {index + 1}")
        return
    if is_function(body):
        yield from _function(body, path)
        return
    yield (path, f"{what} must be a list or a function that gives one, not {_kind(body)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string"


def _ref(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(body, str) or not (
        re.fullmatch(LOGICAL_ID_RE, body) or (body in PSEUDO_PARAMETERS and body != "AWS::NoValue")
    ):
        yield (
            path,
            "Ref takes the logical id of a parameter or resource, or a pseudo parameter (AWS::Region)",
        )


def _get_att(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(body, str):
        parts = body.split(".", 1)
    elif isinstance(body, list) and all(isinstance(p, str) for p in body):
        parts = list(body)
    else:
        parts = []
    if len(parts) != 2 or not re.fullmatch(LOGICAL_ID_RE, parts[0]) or not parts[1]:
        yield (path, "Fn::GetAtt takes [LogicalId, Attribute], such as [UserPool, Arn]")


def _sub(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    variables: Mapping[str, Any] = {}
    text = body
    if isinstance(body, list):
        if len(body) != 2 or not isinstance(body[0], str) or not isinstance(body[1], Mapping):
            yield (path, "Fn::Sub takes a string, or [string, {Name: value, ...}]")
            return
        text, variables = body
        for key, item in variables.items():
            yield from _value(item, (*path, 1, str(key)), f"Fn::Sub variable {key}")
    if not isinstance(text, str):
        yield (path, "Fn::Sub takes a string, or [string, {Name: value, ...}]")
        return
    for part in _SUB_PART.finditer(text):
        inner = part.group(1)
        if not part.group().endswith("}"):
            yield (path, f"Fn::Sub: '${{{inner}' is not closed by '}}'")
        elif not inner.startswith("!") and not _SUB_NAME.fullmatch(inner) and inner not in variables:
            yield (path, f"Fn::Sub: '${{{inner}}}' names no parameter, resource or attribute")


def _import_value(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if is_function(body) and next(iter(body)) == "Fn::ImportValue":
        yield (path, "Fn::ImportValue cannot hold another Fn::ImportValue")
        return
    yield from _value(body, path, "Fn::ImportValue")


def _join(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(body, list) or len(body) != 2 or not isinstance(body[0], str):
        yield (path, "Fn::Join takes [delimiter, [values]]")
        return
    yield from _list_value(body[1], (*path, 1), "Fn::Join's values")


def _select(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(body, list) or len(body) != 2:
        yield (path, "Fn::Select takes [index, [values]]")
        return
    index = body[0]
    if isinstance(index, bool) or not (
        (isinstance(index, int) and index >= 0)
        or (isinstance(index, str) and index.isdigit())
        or is_function(index)
    ):
        yield ((*path, 0), "Fn::Select's index must be a whole number from 0")
    elif is_function(index):
        yield from _function(index, (*path, 0))
    yield from _list_value(body[1], (*path, 1), "Fn::Select's values")


def _find_in_map(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(body, list) or len(body) != 3:
        yield (path, "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]")
        return
    for index, item in enumerate(body):
        yield from _value(item, (*path, index), f"Fn::FindInMap item {index + 1}")


def _if(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(body, list) or len(body) != 3 or not isinstance(body[0], str) or not body[0]:
        yield (path, "Fn::If takes [ConditionName, value if true, value if false]")
        return
    for index in (1, 2):
        item = body[index]
        if is_function(item) and item.get("Ref") == "AWS::NoValue":
            yield ((*path, index), "a user pool cannot be AWS::NoValue: providerARNs needs a pool ARN")
            continue
        yield from _value(item, (*path, index), f"Fn::If value {index}")


def _split(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(body, list) or len(body) != 2 or not isinstance(body[0], str):
        yield (path, "Fn::Split takes [delimiter, string]")
        return
    yield from _value(body[1], (*path, 1), "Fn::Split's string")


def _get_azs(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    yield from _value(body, path, "Fn::GetAZs")


_CHECKS = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::ImportValue": _import_value,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::FindInMap": _find_in_map,
    "Fn::If": _if,
    "Fn::Split": _split,
    "Fn::GetAZs": _get_azs,
}


def issuer_function(pool: Any) -> dict[str, Any]:
    """The issuer of a pool that only the deployment names, as CloudFormation builds it from `pool` (a
    function or a CDK token giving the pool's ARN or its id): https://cognito-idp.<region>.<URL suffix>/<id>.

    CloudFormation has no "last item" nor a condition inside a function, so the pool id is read the same
    way from both forms: the pool joined to itself by ":userpool/" and split there again gives the pool id
    as item 1 (an ARN holds ":userpool/" once, an id never). Its region is what comes before its "_"."""
    marker = ":userpool/"
    pool_id = {"Fn::Select": [1, {"Fn::Split": [marker, {"Fn::Join": ["", [pool, marker, pool]]}]}]}
    region = {"Fn::Select": [0, {"Fn::Split": ["_", pool_id]}]}
    parts = ["https://cognito-idp.", region, ".", {"Ref": "AWS::URLSuffix"}, "/", pool_id]
    return {"Fn::Join": ["", parts]}


def issuer_function_pool(issuer: Any) -> Any:
    """The pool `issuer_function` built `issuer` from (None for any other issuer), so that a secured
    document gives its reference back."""
    try:
        pool = issuer["Fn::Join"][1][5]["Fn::Select"][1]["Fn::Split"][1]["Fn::Join"][1][0]
    except (KeyError, IndexError, TypeError):
        return None
    return pool if issuer_function(pool) == issuer else None


def provider_problem(item: Any) -> str | None:
    """Why a document's providerARNs item that is not an ARN string is no deploy-time reference either
    (None when it is one: a well-formed function, a CDK token or a template variable)."""
    if isinstance(item, str):
        if re.fullmatch(CDK_TOKEN_RE, item) or re.fullmatch(TEMPLATE_VARIABLE_RE, item):
            return None
        return "not a user pool ARN"
    found = problems(item)
    if not found:
        return None
    path, message = found[0]
    where = "/".join(str(p) for p in path)
    return f"a malformed reference ({where + ': ' if where else ''}{message})"
