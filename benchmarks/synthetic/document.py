"""A deterministic synthetic OpenAPI document, as data and as text.

`generate(operations, version, fmt)` returns the text of a valid Swagger 2.0 or OpenAPI 3.0 document with
exactly `operations` operations, as block-style YAML with comments or as JSON indented by 2. The same
arguments always give the same bytes: nothing here depends on time, randomness or dict hashing.

The documents look like hand-maintained API Gateway definitions: tags, operationIds, shared and path-level
parameters, request bodies, responses with schemas and `$ref`s, `x-amazon-apigateway-integration` on every
operation, OPTIONS preflights answered by a mock integration, full-line and trailing comments, block literal
descriptions, flow sequences, quoted response codes. They hold no `security` anywhere, so securing them
only inserts text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from benchmarks.synthetic.yaml_text import Block, Flow, Key, to_yaml

Version = Literal["2.0", "3.0"]
Format = Literal["yaml", "json"]

SERVICES = ("billing", "catalog", "identity", "inventory", "messaging", "orders", "reports", "shipping")
NOUNS = (
    "accounts",
    "invoices",
    "products",
    "users",
    "warehouses",
    "messages",
    "carts",
    "exports",
    "parcels",
    "webhooks",
    "coupons",
    "devices",
)
RESOURCES_PER_TAG = 8


@dataclass(frozen=True)
class Resource:
    index: int
    service: str
    noun: str  # e.g. "invoices"
    tag: str

    @property
    def name(self) -> str:
        return f"{self.noun}{self.index}"

    @property
    def schema(self) -> str:
        return f"{self.noun[:-1].capitalize()}{self.index}"

    @property
    def base(self) -> str:
        return f"/{self.service}/{self.name}"


def resource(index: int) -> Resource:
    tag_index = index // RESOURCES_PER_TAG
    service = SERVICES[tag_index % len(SERVICES)]
    return Resource(index, service, NOUNS[index % len(NOUNS)], f"{service}-{tag_index}")


# Path item kinds of one resource, in order, with their operation keys. Ten operations per resource.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("collection", ("get", "post", "options")),
    ("item", ("get", "put", "delete", "options")),
    ("action", ("post",)),
    ("events", ("get", "patch")),
)
OPERATIONS_PER_RESOURCE = sum(len(methods) for _, methods in KINDS)


def plan(operations: int) -> Iterator[tuple[Resource, str, tuple[str, ...]]]:
    """(resource, path item kind, operation keys) in document order, exactly `operations` keys in all."""
    left = operations
    index = 0
    while left > 0:
        res = resource(index)
        for kind, methods in KINDS:
            if left <= 0:
                break
            taken = methods[:left]
            left -= len(taken)
            yield res, kind, taken
        index += 1


def build(operations: int, version: Version) -> dict[str, Any]:
    """The document as data (with `Key`, `Block` and `Flow` markers the YAML writer uses)."""
    if operations < 1:
        raise ValueError("a document needs at least one operation")
    v2 = version == "2.0"
    paths: dict[str, Any] = {}
    resources: list[Resource] = []
    for res, kind, methods in plan(operations):
        if not resources or resources[-1] != res:
            resources.append(res)
        path = _path(res, kind)
        item: dict[str, Any] = {}
        if kind in ("item", "events", "action"):
            item["parameters"] = [_id_parameter(res, v2)]
        for method in methods:
            op = _operation(res, kind, method, v2)
            if method == "options" or (res.index + len(path)) % 5 == 0:
                op_key: str = Key(method, above=(_owner_comment(res, method),))
            else:
                op_key = method
            item[op_key] = op
        first = kind == "collection"
        above = (f"{res.name}: {', '.join(m.upper() for m in methods)}",) if first else ()
        paths[Key(path, above=above, blank_before=first)] = item

    tags: list[dict[str, str]] = []
    for res in resources:
        if not tags or tags[-1]["name"] != res.tag:
            tags.append(
                {
                    "name": res.tag,
                    "description": f"Endpoints of the {res.service} service ({res.tag}).",
                }
            )

    schemas: dict[str, Any] = {}
    for res in resources:
        schemas.update(_schemas(res, v2))
    schemas[Key("Error", above=("Shared by every error response.",), blank_before=True)] = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "example": "NotFound"},
            "message": {"type": "string"},
            "requestId": {"type": "string", "format": "uuid"},
        },
    }
    header = (
        f"Synthetic API for benchmarks: {operations} operations, "
        + ("Swagger 2.0." if v2 else "OpenAPI 3.0."),
        "Generated by benchmarks/generate.py; the same arguments always give the same bytes.",
    )
    info = {
        "title": "Synthetic Benchmark API",
        "version": "1.0.0",
        "description": Block(
            "A large, regular API used to time apigw-cognito.\n"
            "Every operation has an API Gateway integration; OPTIONS preflights use a mock.\n"
        ),
        "contact": {"name": "Platform team", "email": "platform@example.com"},
    }
    doc: dict[str, Any]
    if v2:
        doc = {
            Key("swagger", above=header): "2.0",
            "info": info,
            "host": "api.example.com",
            "basePath": "/v1",
            "schemes": Flow(["https"]),
            "consumes": Flow(["application/json"]),
            "produces": Flow(["application/json"]),
            "tags": tags,
            Key("paths", blank_before=True): paths,
            Key("parameters", blank_before=True): _shared_parameters(v2),
            Key("definitions", blank_before=True): schemas,
        }
    else:
        doc = {
            Key("openapi", above=header): "3.0.3",
            "info": info,
            "servers": [{"url": "https://api.example.com/v1", "description": "Production"}],
            "tags": tags,
            Key("paths", blank_before=True): paths,
            Key("components", blank_before=True): {
                "parameters": _shared_parameters(v2),
                "schemas": schemas,
            },
        }
    return doc


def _path(res: Resource, kind: str) -> str:
    if kind == "collection":
        return res.base
    if kind == "item":
        return f"{res.base}/{{{res.name}Id}}"
    if kind == "action":
        return f"{res.base}/{{{res.name}Id}}/archive"
    return f"{res.base}/{{{res.name}Id}}/events"


def _ref(v2: bool, section: str, name: str) -> dict[str, str]:
    if v2:
        folder = {"schemas": "definitions", "parameters": "parameters"}[section]
        return {"$ref": f"#/{folder}/{name}"}
    return {"$ref": f"#/components/{section}/{name}"}


def _typed(v2: bool, schema: dict[str, Any]) -> dict[str, Any]:
    """A non-body parameter's type: inline in 2.0, under `schema` in 3.0."""
    return dict(schema) if v2 else {"schema": schema}


def _id_parameter(res: Resource, v2: bool) -> dict[str, Any]:
    return {
        "name": f"{res.name}Id",
        "in": "path",
        "required": True,
        "description": f"The id of one of the {res.noun}.",
        **_typed(v2, {"type": "string", "pattern": "^[a-z0-9-]{8,64}$"}),
    }


def _shared_parameters(v2: bool) -> dict[str, Any]:
    return {
        "Limit": {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "How many items to return: 1 to 100.",
            **_typed(v2, {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
        },
        "Cursor": {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Where the previous page ended.",
            **_typed(v2, {"type": "string"}),
        },
        "RequestId": {
            "name": "X-Request-Id",
            "in": "header",
            "required": False,
            **_typed(v2, {"type": "string", "format": "uuid"}),
        },
    }


def _owner_comment(res: Resource, method: str) -> str:
    if method == "options":
        return "CORS preflight: answered by API Gateway, never reaches the backend."
    return f"owner: team-{res.service} (reviewed 2024-0{1 + res.index % 9}-1{res.index % 10})"


def _schemas(res: Resource, v2: bool) -> dict[str, Any]:
    nullable = {"x-nullable": True} if v2 else {"nullable": True}
    item: dict[str, Any] = {
        "type": "object",
        "description": f"One of the {res.noun} of the {res.service} service.",
        "required": Flow(["id", "name"]),
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string", "maxLength": 200, "example": f"{res.noun[:-1]} #{res.index}"},
            "status": {"type": "string", "enum": ["active", "archived", "deleted"], "default": "active"},
            "createdAt": {"type": "string", "format": "date-time", "readOnly": True},
            "labels": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
            "quantity": {"type": "integer", "format": "int32", "minimum": 0},
            "note": {"type": "string", **nullable},
        },
    }
    page: dict[str, Any] = {
        "type": "object",
        "required": Flow(["items"]),
        "properties": {
            "items": {"type": "array", "items": _ref(v2, "schemas", res.schema)},
            "nextCursor": {"type": "string", **nullable},
        },
    }
    event: dict[str, Any] = {
        "type": "object",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": Flow(["created", "updated", "archived"])},
            "by": {"type": "string"},
        },
    }
    first = Key(res.schema, above=(f"{res.name}",), blank_before=True) if res.index % 4 == 0 else res.schema
    return {first: item, f"{res.schema}Page": page, f"{res.schema}Event": event}


def _response(v2: bool, description: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        if v2:
            out["schema"] = schema
        else:
            out["content"] = {"application/json": {"schema": schema}}
    return out


def _operation(res: Resource, kind: str, method: str, v2: bool) -> dict[str, Any]:
    if method == "options":
        return _preflight(res, kind, v2)
    schema = res.schema
    verb = {
        ("collection", "get"): ("list", f"List {res.noun}", f"{schema}Page", "200"),
        ("collection", "post"): ("create", f"Create one of the {res.noun}", schema, "201"),
        ("item", "get"): ("get", f"Get one of the {res.noun}", schema, "200"),
        ("item", "put"): ("replace", f"Replace one of the {res.noun}", schema, "200"),
        ("item", "delete"): ("delete", f"Delete one of the {res.noun}", None, "204"),
        ("action", "post"): ("archive", f"Archive one of the {res.noun}", schema, "200"),
        ("events", "get"): (
            "listEvents",
            f"List the events of one of the {res.noun}",
            f"{schema}Event",
            "200",
        ),
        ("events", "patch"): ("ackEvents", f"Acknowledge events of one of the {res.noun}", None, "204"),
    }
    prefix, summary, ok_schema, ok_code = verb[(kind, method)]
    op_id = f"{prefix}{res.name[0].upper()}{res.name[1:]}"
    n = res.index
    op: dict[str, Any] = {}
    op["tags"] = Flow([res.tag]) if n % 2 else [res.tag]
    op["summary"] = summary
    if n % 6 == 0:
        op["description"] = Block(
            f"{summary}.\n\nCalls the {res.service} backend; errors come back as `Error` objects:\n"
            f"  code: a stable identifier\n  message: for people\n"
        )
    op[
        Key("operationId", trailing="stable: clients are generated from it") if n % 4 == 1 else "operationId"
    ] = op_id
    params: list[Any] = []
    if method == "get" and kind in ("collection", "events"):
        params += [_ref(v2, "parameters", "Limit"), _ref(v2, "parameters", "Cursor")]
    params.append(_ref(v2, "parameters", "RequestId"))
    if n % 2 == 0 and method in ("get", "delete"):
        params.append(
            {
                "name": "fields",
                "in": "query",
                "required": False,
                "description": "Comma-separated fields to return: id, name, status",
                **_typed(v2, {"type": "string"}),
            }
        )
    body_schema: dict[str, Any] | None = (
        _ref(v2, "schemas", schema) if method in ("post", "put") and kind != "action" else None
    )
    if method == "patch":
        body_schema = {"type": "array", "items": {"type": "string"}, "minItems": 1}
    if body_schema is not None and v2:
        params.append({"name": "body", "in": "body", "required": True, "schema": body_schema})
    op["parameters"] = params
    if body_schema is not None and not v2:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
    responses: dict[str, Any] = {
        ok_code: _response(
            v2,
            f"{summary}: done." if ok_schema is None else f"{summary}: the result.",
            None if ok_schema is None else _ref(v2, "schemas", ok_schema),
        ),
    }
    if kind != "collection":
        responses["404"] = _response(v2, "No such item.", _ref(v2, "schemas", "Error"))
    responses[Key("default", above=("Anything else is an Error.",)) if n % 5 == 2 else "default"] = _response(
        v2, "Unexpected error.", _ref(v2, "schemas", "Error")
    )
    op["responses"] = responses
    uri = f"https://{res.service}.backend.example.com{_path(res, kind)}"
    integration: dict[str, Any] = {
        "type": "http_proxy",
        "httpMethod": method.upper(),
        "uri": uri,
        "passthroughBehavior": "when_no_match",
        "timeoutInMillis": 29000,
    }
    if kind != "collection":
        integration["requestParameters"] = {
            f"integration.request.path.{res.name}Id": f"method.request.path.{res.name}Id"
        }
    op["x-amazon-apigateway-integration"] = integration
    return op


CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")


def _preflight(res: Resource, kind: str, v2: bool) -> dict[str, Any]:
    allowed = "GET,POST,OPTIONS" if kind == "collection" else "GET,PUT,DELETE,OPTIONS"
    header_type: dict[str, Any] = {"type": "string"}
    headers = {h: (dict(header_type) if v2 else {"schema": dict(header_type)}) for h in CORS_HEADERS}
    return {
        "tags": [res.tag],
        "summary": "CORS preflight",
        "operationId": f"preflight{res.name[0].upper()}{res.name[1:]}{kind.capitalize()}",
        "responses": {"200": {"description": "CORS headers.", "headers": headers}},
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "passthroughBehavior": "when_no_match",
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {
                        "method.response.header.Access-Control-Allow-Origin": "'*'",
                        "method.response.header.Access-Control-Allow-Methods": f"'{allowed}'",
                        "method.response.header.Access-Control-Allow-Headers": "'Content-Type,Authorization'",
                    },
                }
            },
        },
    }


# The text


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def generate(operations: int, version: Version, fmt: Format) -> str:
    data = build(operations, version)
    return to_yaml(data) if fmt == "yaml" else to_json(data)
