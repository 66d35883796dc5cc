"""An API Gateway export made importable: `$schema` keys, servers without url, undeclared path parameters."""

from apigw_cognito.core.export_cleanup import clean_export


def test_clean_export_removes_what_does_not_validate_and_says_so() -> None:
    data = {
        "openapi": "3.0.1",
        "servers": [{"variables": {"basePath": {"default": "dev"}}}],
        "paths": {
            "/pets/{petId}": {
                "get": {"responses": {}},
                "delete": {
                    "parameters": [{"name": "petId", "in": "path", "required": True}],
                    "responses": {},
                },
            },
            "/pets": {"get": {"responses": {}}},
        },
        "components": {
            "schemas": {"Pet": {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}}
        },
    }
    cleaned, notes = clean_export(data)
    assert "servers" not in cleaned
    assert cleaned["components"]["schemas"]["Pet"] == {"type": "object"}
    get = cleaned["paths"]["/pets/{petId}"]["get"]
    assert get["parameters"] == [
        {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert cleaned["paths"]["/pets/{petId}"]["delete"] == data["paths"]["/pets/{petId}"]["delete"]
    assert cleaned["paths"]["/pets"] == data["paths"]["/pets"]
    assert len(notes) == 3
    assert "GET /pets/{petId}: petId" in notes[2]
    assert data["components"]["schemas"]["Pet"]["$schema"]  # the input is not changed


def test_a_clean_export_is_left_as_it_is() -> None:
    data = {
        "openapi": "3.0.1",
        "servers": [{"url": "https://x"}],
        "paths": {"/a": {"get": {"responses": {}}}},
    }
    assert clean_export(data) == (data, [])
