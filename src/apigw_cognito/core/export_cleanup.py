"""What `init --spec-out` changes in an API Gateway export so that `import` accepts it as written.

Exports of API Gateway (and LocalStack) do not validate as OpenAPI 3.0 as they come: models carry a JSON
Schema `$schema` key, which an OpenAPI Schema Object does not allow; LocalStack writes servers without a
`url` and leaves out the path parameters of methods created without them (AWS's exports list them). The
export is a new file the tool writes, so it is written already cleaned, and each change is said in a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from apigw_cognito.basics.openapi import METHOD_KEYS
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY


def clean_export(data: Any) -> tuple[Any, list[str]]:
    """`data` without what keeps an export from validating; the notes saying what was removed."""
    if not isinstance(data, Mapping):
        return data, []
    notes: list[str] = []
    out = dict(data)
    servers = data.get("servers")
    if isinstance(servers, list):
        kept = [s for s in servers if isinstance(s, Mapping) and isinstance(s.get("url"), str)]
        if len(kept) != len(servers):
            notes.append(f"dropped {len(servers) - len(kept)} server(s) without a url from the export")
            if kept:
                out["servers"] = kept
            else:
                del out["servers"]
    components = data.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    if isinstance(components, Mapping) and isinstance(schemas, Mapping):
        cleaned = {name: _without_schema_key(schema) for name, schema in schemas.items()}
        dropped = [name for name, schema in schemas.items() if cleaned[name] != schema]
        if dropped:
            notes.append(f"dropped the JSON Schema `$schema` key of model(s) {', '.join(map(str, dropped))}")
            out["components"] = {**components, "schemas": cleaned}
    paths = data.get("paths")
    if isinstance(paths, Mapping):
        out["paths"], added = _with_path_parameters(paths)
        if added:
            notes.append(f"declared the path parameters the export left out: {', '.join(added)}")
    return out, notes


def with_gateway_responses(data: Any, live: Mapping[str, Mapping[str, Any]]) -> tuple[Any, list[str]]:
    """`data` declaring the `live` gateway responses (entries by type) it lacks or declares otherwise.

    Exports do not always carry them (LocalStack's never does), and an overwrite import of the adopted
    document would reset every response it does not declare: the CORS headers of a 401 would be lost.
    """
    if not isinstance(data, Mapping) or not live:
        return data, []
    declared = data.get(GATEWAY_RESPONSES_KEY)
    declared = dict(declared) if isinstance(declared, Mapping) else {}
    added = sorted(kind for kind, entry in live.items() if declared.get(kind) != entry)
    if not added:
        return data, []
    declared.update({kind: dict(live[kind]) for kind in added})
    note = (
        f"declared the API's gateway response(s) {', '.join(added)} in the export"
        f" ({GATEWAY_RESPONSES_KEY}), so that an import of it keeps them"
    )
    return {**data, GATEWAY_RESPONSES_KEY: declared}, [note]


def _with_path_parameters(paths: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Each operation declares the `{name}` segments of its path, as OpenAPI requires."""
    out: dict[str, Any] = {}
    added: list[str] = []
    for path, item in paths.items():
        names = re.findall(r"\{([^}/+]+)\+?\}", str(path))
        if not names or not isinstance(item, Mapping):
            out[path] = item
            continue
        shared = _declared(item.get("parameters"))
        new_item = dict(item)
        for key, op in item.items():
            if key not in METHOD_KEYS or not isinstance(op, Mapping):
                continue
            missing = [n for n in names if n not in shared | _declared(op.get("parameters"))]
            if missing:
                extra = [
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in missing
                ]
                new_item[key] = {**op, "parameters": [*(op.get("parameters") or []), *extra]}
                added.extend(f"{METHOD_KEYS[key]} {path}: {n}" for n in missing)
        out[path] = new_item
    return out, added


def _declared(parameters: Any) -> set[str]:
    if not isinstance(parameters, list):
        return set()
    return {str(p.get("name")) for p in parameters if isinstance(p, Mapping) and p.get("in") == "path"}


def _without_schema_key(schema: Any) -> Any:
    if isinstance(schema, Mapping):
        return {k: _without_schema_key(v) for k, v in schema.items() if k != "$schema"}
    if isinstance(schema, list):
        return [_without_schema_key(v) for v in schema]
    return schema
