"""`apply --templatefile`: in the template written, every `${` and `%{` that Terraform would read as an
interpolation or a directive is a declared template variable, and the template gives back the secured
document with the variables' values.

The model of Terraform's reading is written here from hclsyntax's scanner (scan_tokens.rl, bare
templates: `TemplateNotInterp = '$' (^'{' held | "${")`, the same for `%`), independent of the tool's own
`core.templatefile`: a regular expression tokenizer, not a character loop.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from apigw_cognito.cli.main import app

VARIABLE = "user_pool_arn"
ARN = "arn:aws:cognito-idp:eu-west-1:210987654321:userpool/eu-west-1_TfPool9"
# One token of a bare template: an escape ($${ or %%{), an interpolation or directive start, a '$' or
# '%' that starts neither, or a run of other characters.
_TOKEN = re.compile(r"(?P<escape>[$%][$%]\{)|(?P<open>[$%]\{)|(?P<other>[$%]|[^$%]+)")


def terraform_reads(template: str, variables: dict[str, str]) -> tuple[str, list[str]]:
    """(the rendered text, every sequence read as an interpolation or directive) as templatefile() would,
    for templates whose interpolations are bare variable names."""
    out: list[str] = []
    opened: list[str] = []
    position = 0
    while position < len(template):
        token = _TOKEN.match(template, position)
        assert token is not None
        if token.group("escape"):
            first, second = token.group()[0], token.group()[1]
            if first != second:  # "$%{" is '$' then "%{"; "%${" is '%' then "${"
                out.append(first)
                position += 1
                continue
            out.append(first + "{")
        elif token.group("open"):
            close = template.index("}", position)
            sequence = template[position : close + 1]
            opened.append(sequence)
            out.append(variables.get(sequence[2:-1], sequence) if sequence[0] == "$" else sequence)
            position = close + 1
            continue
        else:
            out.append(token.group())
        position = token.end()
    return "".join(out), opened


_pieces = st.sampled_from(["${", "%{", "$${", "%%{", "$", "%", "{", "}", "stageVariables.x", "a", "~"])
hostile = st.lists(_pieces, min_size=1, max_size=8).map("".join)


def _document(description: str, uri_tail: str) -> dict[str, object]:
    return {
        "openapi": "3.0.1",
        "info": {"title": "Pets %{x}", "version": "1", "description": description},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "responses": {"200": {"description": "ok ${literal}"}},
                    "x-amazon-apigateway-integration": {
                        "type": "http_proxy",
                        "httpMethod": "GET",
                        "uri": "https://${stageVariables.backend}/pets" + uri_tail,
                    },
                }
            }
        },
    }


SELECTOR = f"""version: 1
authorizers:
  Pool:
    user_pools:
      - {{template_variable: {VARIABLE}}}
      - {ARN}
rules:
  - select: GET /pets
    authorizer: Pool
"""


@settings(max_examples=40, deadline=None)
@given(description=hostile, uri_tail=hostile, as_json=st.booleans())
def test_every_unescaped_sequence_is_a_declared_variable(
    tmp_path_factory: object, description: str, uri_tail: str, as_json: bool
) -> None:
    folder = Path(tmp_path_factory.mktemp("tf"))  # type: ignore[attr-defined]
    document = _document(description, uri_tail)
    spec = folder / ("spec.json" if as_json else "spec.yaml")
    spec.write_text(json.dumps(document, indent=2) if as_json else yaml.safe_dump(document, sort_keys=False))
    selector = folder / "s.yaml"
    selector.write_text(SELECTOR)
    result = CliRunner().invoke(app, ["apply", str(spec), "-s", str(selector), "--templatefile"])
    assert result.exit_code == 0, result.output
    template = result.stdout
    pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Given"
    rendered, opened = terraform_reads(template, {VARIABLE: pool})
    assert opened == ["${" + VARIABLE + "}"]
    data = json.loads(rendered) if as_json else yaml.safe_load(rendered)
    assert data["info"]["description"] == description
    assert data["paths"]["/pets"]["get"]["x-amazon-apigateway-integration"]["uri"].endswith(uri_tail)
    scheme = data["components"]["securitySchemes"]["Pool"]["x-amazon-apigateway-authorizer"]
    assert scheme["providerARNs"] == [pool, ARN]
    assert data["paths"]["/pets"]["get"]["security"] == [{"Pool": []}]
