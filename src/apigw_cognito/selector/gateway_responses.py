"""The selector's ``gateway_responses`` section: which CORS headers API Gateway's error responses carry.

``cors: auto`` takes them from the document's preflights, ``cors: none`` (or no section) writes nothing,
and a mapping gives them: ``allow_origin`` (``*`` or one origin) and, optionally, ``allow_headers`` (a comma
list of header names). The values are literal, never ``${VAR}``: they decide what browsers may read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from apigw_cognito.selector.model import Cors
from apigw_cognito.selector.reader import Abandoned, Reader, fail, shown_value
from apigw_cognito.selector.syntax import (
    CORS_CHOICES,
    CORS_KEYS,
    GATEWAY_RESPONSES_KEYS,
    HEADER_LIST_RE,
    ORIGIN_RE,
)

_EXAMPLE = "cors: auto, cors: none, or cors: {allow_origin: https://app.example.com}"


def read_gateway_responses(reader: Reader, data: Any) -> Cors | None:
    """The `Cors` asked for, or None for ``cors: none``; None when the section is absent."""
    if "gateway_responses" not in data:
        return None
    where = reader.value_at(data, "gateway_responses")
    section = reader.mapping(data["gateway_responses"], where, "gateway_responses", f"a mapping: {_EXAMPLE}")
    section_at = reader.node_at(section, where)
    if not reader.keys(section, GATEWAY_RESPONSES_KEYS, "in gateway_responses", ("cors",), section_at):
        raise Abandoned  # the missing key is noted with the other mistakes
    value = section["cors"]
    value_at = reader.value_at(section, "cors")
    if isinstance(value, str) and value in CORS_CHOICES:
        return Cors(auto=True, location=value_at) if value == "auto" else None
    if not isinstance(value, Mapping):
        fail(
            f"gateway_responses: cors must be auto, none or a mapping, got {shown_value(value)}",
            value_at,
            _EXAMPLE,
        )
    what = "gateway_responses: cors"
    if not reader.keys(value, CORS_KEYS, f"in {what}", ("allow_origin",), reader.node_at(value, value_at)):
        raise Abandoned
    origin = _literal(
        reader,
        value,
        "allow_origin",
        ORIGIN_RE,
        "'*' or an origin such as https://app.example.com (scheme, host and port; no path)",
    )
    headers = None
    if "allow_headers" in value:
        headers = _literal(
            reader,
            value,
            "allow_headers",
            HEADER_LIST_RE,
            "a comma list of header names, such as Content-Type,Authorization",
        )
    return Cors(auto=False, allow_origin=origin, allow_headers=headers, location=value_at)


def _literal(reader: Reader, mapping: Any, key: str, pattern: str, expected: str) -> str:
    where = reader.value_at(mapping, key)
    text = reader.string(mapping[key], where, f"gateway_responses: cors: {key}")
    if not re.fullmatch(pattern, text.value):
        fail(f"gateway_responses: cors: {key} {text.shown()} is not {expected}", where)
    return text.value
