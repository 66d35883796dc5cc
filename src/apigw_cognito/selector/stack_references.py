"""A `user_pools` item written as a mapping: a CloudFormation intrinsic function in its long form
(``{Ref: PoolArn}``, ``{Fn::GetAtt: [UserPool, Arn]}``, ...) or a Terraform template variable
(``{template_variable: user_pool_arn}``). Both are deploy-time references: the document carries them as
they are and the deployment puts the pool's ARN in their place.

The shapes are `basics.intrinsics`'; this module reads them with the line and column of the part at fault.
Strings inside a function are taken as written: ``${...}`` there is CloudFormation's (Fn::Sub), not an
environment variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.intrinsics import (
    POOL_FUNCTIONS,
    Path,
    is_function,
    problems,
    reference_text,
)
from apigw_cognito.selector.reader import Reader, fail
from apigw_cognito.selector.variables import Text

TEMPLATE_KEY = "template_variable"
_HCL_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_-]*"
_FORMS = (
    "a deploy-time reference is a CloudFormation function in its long form, such as"
    " {Fn::GetAtt: [UserPool, Arn]}, {Ref: UserPoolArn} or {Fn::ImportValue: shared-pool-arn}"
    f" ({', '.join(POOL_FUNCTIONS)}), or {{{TEMPLATE_KEY}: user_pool_arn}} for Terraform's templatefile()"
)


def read_reference(reader: Reader, value: Mapping[str, Any], where: Location, what: str) -> Text:
    """The pool a mapping stands for, as the text the selector model carries; `InputError` at the part
    at fault when it is malformed."""
    if len(value) == 1 and TEMPLATE_KEY in value:
        return _template_variable(reader, value, what)
    if not is_function(value):
        keys = ", ".join(str(k) for k in value)
        fail(f"{what} is a mapping ({keys}) but no deploy-time reference", where, _FORMS)
    found = problems(value)
    if found:
        path, message = found[0]
        fail(f"{what}: {message}", _located(reader, value, path, where), _FORMS)
    return Text(reference_text(value))


def _template_variable(reader: Reader, value: Mapping[str, Any], what: str) -> Text:
    at = reader.value_at(value, TEMPLATE_KEY)
    name = value[TEMPLATE_KEY]
    if not isinstance(name, str) or not re.fullmatch(_HCL_IDENTIFIER, name):
        fail(
            f"{what}: {TEMPLATE_KEY} must be a Terraform identifier (letters, digits, '_' and '-', not"
            " starting with a digit or '-')",
            at,
            "name the variable you pass to templatefile(), such as user_pool_arn",
        )
    return Text("${" + name + "}")


def _located(reader: Reader, value: Any, path: Path, fallback: Location) -> Location:
    """Where the part of `value` at `path` is written (its nearest written ancestor)."""
    where = fallback
    node = value
    for step in path:
        if isinstance(node, Mapping) and step in node:
            where = reader.value_at(node, step)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            where = reader.item_at(node, step)
            node = node[step]
        else:
            break
    return where
