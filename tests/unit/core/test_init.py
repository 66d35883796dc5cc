"""`apigw-cognito init`: a starter selector that decides every operation, ready once the pool is filled in."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.basics.errors import InputError
from apigw_cognito.cli.main import app
from apigw_cognito.core.starter import MAX_NAME, PLACEHOLDER_POOL, authorizer_name
from apigw_cognito.selector.loader import load_selector
from tests.support.paths import ROOT, corpus_file

SPECS = ROOT / "specs"
POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_starter_selector_for_securepets(tmp_path: Path) -> None:
    code, text, _ = run("init", str(SPECS / "securepets.yaml"))
    assert code == 0
    assert "default: deny" in text
    assert "cors_preflight: public" in text
    for line in ("  # /pets", "  # /pets/{petId}", "  # /purchase"):
        assert line in text.splitlines(), "operations are grouped by path"
    assert "  - select: OPTIONS /pets  # CORS preflight" in text
    # Unfilled, the placeholder is a clear error on its own line.
    with pytest.raises(InputError) as err:
        load_selector(text.encode(), "sel.yaml", {})
    assert err.value.location is not None
    placeholder_line = next(i for i, line in enumerate(text.splitlines(), 1) if PLACEHOLDER_POOL in line)
    assert err.value.location.line == placeholder_line
    # Filled, it loads and apply decides every operation.
    selector = tmp_path / "sel.yaml"
    selector.write_text(text.replace(PLACEHOLDER_POOL, POOL))
    loaded = load_selector(selector.read_bytes(), str(selector), {})
    assert loaded.default == "deny"
    assert list(loaded.authorizers) == ["SecurePetsUserPool"]
    spec = tmp_path / "api.yaml"
    shutil.copy(SPECS / "securepets.yaml", spec)
    code, stdout, stderr = run("apply", str(spec), "-s", str(selector), "-o", str(tmp_path / "out.yaml"))
    assert code == 0, stdout + stderr
    assert "5 operations, 4 secured, 1 public, 0 open" in stdout
    code, stdout, _ = run("audit", str(tmp_path / "out.yaml"), "--report", "json")
    rows = {f"{o['method']} {o['path']}": o["decision"] for o in json.loads(stdout)["operations"]}
    assert rows == {
        "OPTIONS /pets": "public",
        "GET /pets": "secured",
        "POST /pets": "secured",
        "GET /pets/{petId}": "secured",
        "POST /purchase": "secured",
    }


def test_output_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "selector.yaml"
    code, _, stderr = run("init", str(SPECS / "securepets-swagger2.json"), "-o", str(out))
    assert code == 0
    assert "wrote" in stderr
    first = out.read_text()
    out.write_text("# mine\n")
    code, _, stderr = run("init", str(SPECS / "securepets-swagger2.json"), "-o", str(out))
    assert code == 2
    assert "--force" in stderr
    assert out.read_text() == "# mine\n"
    assert run("init", str(SPECS / "securepets-swagger2.json"), "-o", str(out), "--force")[0] == 0
    assert out.read_text() == first


def test_a_secured_document_gives_back_its_own_decisions(tmp_path: Path) -> None:
    """On a document that is already secured, init keeps its authorizers, pools, scopes and public methods."""
    secured = tmp_path / "secured.yaml"
    code, _, _ = run(
        "apply",
        str(SPECS / "securepets.yaml"),
        "-s",
        str(SPECS / "securepets.selector.yaml"),
        "-o",
        str(secured),
    )
    assert code == 0
    selector = tmp_path / "again.yaml"
    assert run("init", str(secured), "-o", str(selector))[0] == 0
    text = selector.read_text()
    assert PLACEHOLDER_POOL not in text
    assert "scopes: [https://pets.example.com/purchase]" in text
    load_selector(selector.read_bytes(), str(selector), {})
    code, stdout, _ = run("apply", str(secured), "-s", str(selector), "--check")
    assert code == 0, stdout
    assert "up to date" in stdout


def test_a_document_without_operations(tmp_path: Path) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: Empty, version: '1'}\npaths: {}\n")
    code, text, _ = run("init", str(spec))
    assert code == 0
    assert "rules:\n  []" in text
    load_selector(text.replace(PLACEHOLDER_POOL, POOL).encode(), "s.yaml", {})


@pytest.mark.parametrize(("version", "fmt"), [("3.0", "yaml"), ("2.0", "json")])
def test_generated_apis(version: str, fmt: str, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.generate import generate
    finally:
        sys.path.remove(str(ROOT))
    spec = tmp_path / f"api.{fmt}"
    spec.write_text(generate(60, version, fmt))  # type: ignore[arg-type]
    code, text, _ = run("init", str(spec))
    assert code == 0
    selector = tmp_path / "sel.yaml"
    selector.write_text(text.replace(PLACEHOLDER_POOL, POOL))
    code, stdout, stderr = run("apply", str(spec), "-s", str(selector), "-o", str(tmp_path / f"out.{fmt}"))
    assert code == 0, stdout + stderr
    assert " 0 open, " in stdout


def test_init_proposes_cors_auto_where_preflights_answer_with_cors_headers(tmp_path: Path) -> None:
    code, text, _ = run("init", str(SPECS / "securepets.yaml"))
    assert code == 0
    assert text.endswith("gateway_responses:\n  cors: auto\n")
    filled = load_selector(text.replace(PLACEHOLDER_POOL, POOL).encode(), "sel.yaml", {})
    assert filled.gateway_cors is not None
    assert filled.gateway_cors.auto
    bare = tmp_path / "bare.json"
    bare.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "Bare", "version": "1"},
                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
            }
        )
    )
    code, text, _ = run("init", str(bare))
    assert code == 0
    assert "gateway_responses" not in text


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("GitHub's official OpenAPI spec + Octokit extension", "GitHubUserPool"),
        ("Blockfrost.io ~ API Documentation", "BlockfrostUserPool"),
        ("The Swagger Petstore API", "PetstoreUserPool"),
        ("Über Dienste", "DiensteUserPool"),
        ("REST API", "UserPool"),
        ("Supercalifragilisticexpialidocious", "UserPool"),  # 34 letters: no room for "UserPool"
    ],
)
def test_authorizer_name_is_a_word_of_the_title(title: str, name: str) -> None:
    assert authorizer_name({"info": {"title": title}}) == name


def test_the_name_proposed_for_github_is_one_a_person_would_type() -> None:
    spec = corpus_file("github-api.json")
    code, text, _ = run("init", str(spec))
    assert code == 0
    names = list(load_selector(text.replace(PLACEHOLDER_POOL, POOL).encode(), "s.yaml", {}).authorizers)
    assert names == ["GitHubUserPool"]
    assert len(names[0]) <= MAX_NAME


def test_group_by_is_for_a_starter_from_a_document() -> None:
    code, _, stderr = run("init", "--from-api", "abc123", "--group-by", "tag")
    assert code == 2
    assert "--group-by" in stderr


def test_an_http_api_starter_loads_once_its_pool_and_app_client_are_filled_in(tmp_path: Path) -> None:
    """`--http-api` for a document that does not say it is one; the example that does gets it alone."""
    code, forced, _ = run("init", str(SPECS / "securepets.yaml"), "--http-api")
    assert code == 0
    code, detected, _ = run("init", str(SPECS / "securenotes-http.yaml"))
    assert code == 0
    for text in (forced, detected):
        assert "type: jwt" in text
        assert "api_key" not in text
        with pytest.raises(InputError, match="APP-CLIENT-ID"):
            load_selector(text.replace(PLACEHOLDER_POOL, "eu-west-1_AbCdEfGhI").encode(), "s.yaml", {})
        filled = text.replace(PLACEHOLDER_POOL, "eu-west-1_AbCdEfGhI").replace("APP-CLIENT-ID", "client1")
        selector = load_selector(filled.encode(), "s.yaml", {})
        assert selector.http_api
