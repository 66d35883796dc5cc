"""Path items behind `$ref`: resolution, places, and every way a reference can be wrong (each located)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apigw_cognito.app.files import read_input
from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import VERSIONS, iter_operations
from apigw_cognito.document.bundle import bundle
from apigw_cognito.document.edits import Edit
from apigw_cognito.document.load import load_document
from apigw_cognito.document.references import MAX_CHAIN, DocumentSet, Place, resolve

OP = "      responses:\n        '200': {description: ok}\n"


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def load(folder: Path, root: str = "openapi.yaml", allowed_root: str | None = None) -> DocumentSet:
    name = str(folder / root)
    raw = read_input(name)
    return resolve(load_document(raw, name), raw, read_input, allowed_root)


def operations(documents: DocumentSet) -> list[str]:
    return [str(op) for op in iter_operations(documents.data, documents.locate)]


ROOT_HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"


def test_a_document_without_references_is_its_own_set(tmp_path: Path) -> None:
    write(tmp_path, {"openapi.yaml": ROOT_HEAD + "  /a:\n    get:\n" + OP})
    documents = load(tmp_path)
    assert not documents.split
    assert documents.data is documents.root.data
    assert documents.place(("paths", "/a", "get")) == Place(
        str(tmp_path / "openapi.yaml"), ("paths", "/a", "get")
    )


def test_local_reference_places_the_operation_where_it_is_written(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": ROOT_HEAD
            + "  /a:\n    $ref: '#/x-items/a'\nx-items:\n  a:\n    get:\n"
            + OP.replace("      ", "      ")
        },
    )
    documents = load(tmp_path)
    assert operations(documents) == ["GET /a"]
    assert not documents.split
    place = documents.place(("paths", "/a", "get", "security"))
    assert place.pointer == ("x-items", "a", "get", "security")
    location = documents.locate(("paths", "/a", "get"))
    assert location is not None
    assert location.line == 8


def test_relative_files_with_and_without_pointer(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": ROOT_HEAD
            + "  /a:\n    $ref: paths/a.yaml\n  /b:\n    $ref: 'shared.yaml#/x-items/b'\n",
            "paths/a.yaml": "get:\n  responses: {'200': {description: ok}}\n",
            "shared.yaml": "x-items:\n  b:\n    post:\n      responses: {'200': {description: ok}}\n",
        },
    )
    documents = load(tmp_path)
    assert operations(documents) == ["GET /a", "POST /b"]
    assert documents.split
    a = documents.locate(("paths", "/a", "get"))
    b = documents.locate(("paths", "/b", "post"))
    assert a is not None
    assert b is not None
    assert a.file.endswith(os.path.join("paths", "a.yaml"))
    assert a.line == 1
    assert b.file.endswith("shared.yaml")
    assert b.line == 3


def test_chains_are_followed_and_edits_land_in_the_last_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: one.yaml\n",
            "one.yaml": "$ref: two.json\n",
            "two.json": '{"get": {"responses": {"200": {"description": "ok"}}}}\n',
        },
    )
    documents = load(tmp_path)
    edits = documents.edits_by_file([Edit(("paths", "/a", "get", "security"), [])])
    assert list(edits) == [str(tmp_path / "two.json")]
    rendered = documents.render([Edit(("paths", "/a", "get", "security"), [])])
    assert b'"security": []' in rendered[str(tmp_path / "two.json")]


def test_shared_item_conflicts_only_when_values_differ(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: item.yaml\n  /b:\n    $ref: item.yaml\n",
            "item.yaml": "get:\n  responses: {'200': {description: ok}}\n",
        },
    )
    documents = load(tmp_path)
    by_item: dict[Place, list[str]] = {}
    for path, origin in documents.origins.items():
        by_item.setdefault(origin.place, []).append(path)
    assert list(by_item.values()) == [["/a", "/b"]]
    same = [Edit(("paths", p, "get", "security"), []) for p in ("/a", "/b")]
    assert documents.conflicts(same) == []
    assert sum(len(v) for v in documents.edits_by_file(same).values()) == 1
    differ = [same[0], Edit(("paths", "/b", "get", "security"), [{"P": []}])]
    assert len(documents.conflicts(differ)) == 1


def test_bundle_brings_external_references_in_with_stable_unique_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "openapi.yaml": ROOT_HEAD
            + "  /a:\n    $ref: paths/a.yaml\ncomponents:\n  schemas:\n    Pet: {type: integer}\n",
            "paths/a.yaml": (
                "get:\n  responses:\n    '200':\n      description: ok\n      content:\n"
                "        application/json:\n          schema: {$ref: '../schemas.yaml#/Pet'}\n"
                "  parameters:\n    - $ref: '../openapi.yaml#/components/parameters/Id'\n"
            ),
            "schemas.yaml": (
                "Pet:\n  type: object\n  properties:\n    kids: {type: array, items: {$ref: '#/Pet'}}\n"
            ),
        },
    )
    documents = load(tmp_path)
    body = bundle(documents, documents.data, VERSIONS["3.0"])
    schemas = body.data["components"]["schemas"]
    # The root's `Pet` is another value: the file's Pet becomes Pet2, and its self-reference follows.
    assert schemas["Pet"] == {"type": "integer"}
    assert schemas["Pet2"]["properties"]["kids"]["items"] == {"$ref": "#/components/schemas/Pet2"}
    media = body.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/Pet2"}
    assert body.data["paths"]["/a"]["get"]["parameters"] == [{"$ref": "#/components/parameters/Id"}]
    assert body.origins[("components", "schemas", "Pet2")] == Place(str(tmp_path / "schemas.yaml"), ("Pet",))


@pytest.mark.parametrize(
    ("files", "message", "where"),
    [
        ({"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: missing.yaml\n"}, "no such file", "openapi.yaml:5"),
        (
            {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: 'b.yaml#/nothing/here'\n", "b.yaml": "x: 1\n"},
            "names nothing",
            "openapi.yaml:5",
        ),
        (
            {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: b.yaml#/x\n", "b.yaml": "x: [1, 2]\n"},
            "not a path item",
            "openapi.yaml:5",
        ),
        (
            {
                "openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: b.yaml\n",
                "b.yaml": "$ref: openapi.yaml#/paths/~1a\n",
            },
            "cycle",
            "openapi.yaml:5",
        ),
        ({"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: '#/paths/~1a'\n"}, "cycle", "openapi.yaml:5"),
        (
            {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: https://example.com/a.yaml\n"},
            "remote",
            "openapi.yaml:5",
        ),
        ({"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: /etc/passwd\n"}, "absolute path", "openapi.yaml:5"),
        (
            {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: ../../outside.yaml\n"},
            "leaves the document",
            "openapi.yaml:5",
        ),
        ({"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: 12\n"}, "must be a string", "openapi.yaml:5"),
        (
            {
                "openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: b.yaml\n    get: {responses: {}}\n",
                "b.yaml": "{}\n",
            },
            "beside its $ref",
            "openapi.yaml:4",
        ),
        (
            {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: b.yaml#nope\n", "b.yaml": "{}\n"},
            "JSON pointer",
            "openapi.yaml:5",
        ),
        (
            {
                "openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: 'b.yaml#/items/0'\n",
                "b.yaml": "items: [{get: {}}]\n",
            },
            "inside a list",
            "openapi.yaml:5",
        ),
        (
            {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: b.yaml\n", "b.yaml": "get: [unclosed\n"},
            "",
            "b.yaml:2",
        ),
    ],
)
def test_bad_references_are_located_errors(
    tmp_path: Path, files: dict[str, str], message: str, where: str
) -> None:
    write(tmp_path, files)
    with pytest.raises(InputError) as caught:
        load(tmp_path)
    assert message in str(caught.value)
    assert caught.value.location is not None
    assert str(caught.value.location).startswith(str(tmp_path / where.split(":", maxsplit=1)[0]))
    assert str(caught.value.location.line) == where.split(":")[1]


def test_non_utf8_referenced_file_is_located_in_that_file(tmp_path: Path) -> None:
    write(tmp_path, {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: b.yaml\n"})
    (tmp_path / "b.yaml").write_bytes(b"get:\n  summary: caf\xe9\n")
    with pytest.raises(InputError) as caught:
        load(tmp_path)
    assert "not valid UTF-8" in str(caught.value)
    assert str(caught.value.location) == f"{tmp_path / 'b.yaml'}:2:15"


def test_a_thousand_file_chain_is_one_located_error(tmp_path: Path) -> None:
    files = {"openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: c0.yaml\n"}
    files.update({f"c{i}.yaml": f"$ref: c{i + 1}.yaml\n" for i in range(1000)})
    files["c1000.yaml"] = "get: {responses: {}}\n"
    write(tmp_path, files)
    with pytest.raises(InputError) as caught:
        load(tmp_path)
    assert f"more than {MAX_CHAIN}" in str(caught.value)
    assert str(caught.value.location) == f"{tmp_path / 'openapi.yaml'}:5:5"


def test_an_allowed_root_admits_files_outside_the_documents_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "api/openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: ../shared/a.yaml\n",
            "shared/a.yaml": "get: {responses: {'200': {description: ok}}}\n",
        },
    )
    with pytest.raises(InputError, match="leaves the document"):
        load(tmp_path / "api")
    documents = load(tmp_path / "api", allowed_root=str(tmp_path))
    assert operations(documents) == ["GET /a"]


def test_a_symbolic_link_cannot_lead_out_of_the_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "outside/a.yaml": "get: {responses: {}}\n",
            "api/openapi.yaml": ROOT_HEAD + "  /a:\n    $ref: a.yaml\n",
        },
    )
    (tmp_path / "api" / "a.yaml").symlink_to(tmp_path / "outside" / "a.yaml")
    with pytest.raises(InputError, match="leaves the document"):
        load(tmp_path / "api")
