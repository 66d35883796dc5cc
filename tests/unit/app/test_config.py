"""Project configuration: apigw-cognito.toml or [tool.apigw-cognito], and apply/audit over every API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.app import project as batch
from apigw_cognito.app.config import Api, find_config, load_config, parse_config
from apigw_cognito.basics.errors import InputError
from apigw_cognito.cli.main import app
from tests.support.paths import ROOT

SPECS = ROOT / "specs"

CONFIG = """\
# The APIs of this repository.
report = "text"

[[apis]]
name = "pets"
spec = "specs/securepets.yaml"
selector = "specs/securepets.selector.yaml"
output = "build/securepets.yaml"

[apis.targets.prod]
api_name = "SecurePets"
region = "eu-west-1"
stage = "prod"
env = { SECUREPETS_USER_POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI" }

[[apis]]
name = "pets-v2"
spec = "specs/securepets-swagger2.json"
selector = "specs/securepets.selector.yaml"
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the SecurePets example twice (OpenAPI 3.0 YAML and Swagger 2.0 JSON)."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "build").mkdir()
    (tmp_path / "apigw-cognito.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- reading the file --------------------------------------------------------------------------------------


def test_reads_apis_targets_and_paths_relative_to_the_file(project: Path) -> None:
    (project / "sub").mkdir()
    config = load_config(project / "apigw-cognito.toml")
    assert [a.name for a in config.apis] == ["pets", "pets-v2"]
    pets = config.apis[0]
    assert pets.spec == "specs/securepets.yaml"
    assert pets.target_path == "build/securepets.yaml"
    assert config.apis[1].target_path == "specs/securepets-swagger2.json"
    prod = pets.targets["prod"]
    assert (prod.api_name, prod.region, prod.stage, prod.mode) == (
        "SecurePets",
        "eu-west-1",
        "prod",
        "overwrite",
    )
    assert prod.env["SECUREPETS_USER_POOL"].endswith("eu-west-1_AbCdEfGhI")
    assert pets.location is not None
    assert pets.location.line == 4


def test_pyproject_table(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\n\n[[tool.apigw-cognito.apis]]\nspec = "a.yaml"\nselector = "s.yaml"\n'
    config = parse_config(text, str(tmp_path / "pyproject.toml"))
    (api,) = config.apis
    assert api.name.endswith("a.yaml")
    with pytest.raises(InputError) as err:
        parse_config(text + 'colour = "red"\n', str(tmp_path / "pyproject.toml"))
    assert err.value.location is not None
    assert err.value.location.line == 7


def test_found_from_a_subfolder_up_to_the_repository_root(project: Path) -> None:
    deep = project / "specs" / "nested"
    deep.mkdir()
    assert find_config(deep) == project / "apigw-cognito.toml"
    # The search stops at the repository root.
    inner = project / "vendor"
    (inner / ".git").mkdir(parents=True)
    assert find_config(inner) is None


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "apigw-cognito.toml").write_text(CONFIG)
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    assert find_config(sub) == tmp_path / "apigw-cognito.toml"


def test_both_files_in_one_folder_is_an_error(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.apigw-cognito]\napis = []\n")
    with pytest.raises(InputError, match="keep one"):
        find_config(project)


BAD = [
    ("[[apis]]\nspec = 'a.yaml'\nselectr = 's.yaml'\n", 3, 1, "unknown key 'selectr'"),
    ("[[apis]]\nspec = 'a.yaml'\n", 1, 1, "missing key 'selector'"),
    (
        "[[apis]]\nspec = 3\nselector = 's.yaml'\n",
        2,
        1,
        "'spec' must be a non-empty string, got the number 3",
    ),
    ("report = 'html'\n[[apis]]\nspec = 'a'\nselector = 's'\n", 1, 1, "'report' must be one of"),
    ("jobs = -1\n[[apis]]\nspec = 'a'\nselector = 's'\n", 1, 1, "'jobs' must be a whole number"),
    ("report = 'text'\n", None, None, "lists no APIs"),
    (
        "[[apis]]\nspec = 'a'\nselector = 's'\n[[apis]]\nspec = 'a'\nselector = 't'\n",
        4,
        1,
        "two APIs are called",
    ),
    (
        "[[apis]]\nspec = 'a'\nselector = 's'\n[apis.targets.prod]\nrest_api_id = 'x'\napi_name = 'y'\n",
        4,
        1,
        "exactly one of rest_api_id and api_name",
    ),
    (
        "[[apis]]\nspec = 'a'\nselector = 's'\n[apis.targets.dev]\napi_name = 'y'\nmode = 'replace'\n",
        6,
        1,
        "'mode' must be one of overwrite, merge",
    ),
    (
        "[[apis]]\nspec = 'a'\nselector = 's'\n  [apis.targets.dev]\n  api_name = 'y'\n  env = { A = 1 }\n",
        6,
        11,
        "env 'A' must be a variable name set to a string",
    ),
    ("[[apis]\nspec = 'a'\n", 1, 7, "invalid TOML"),
    ("[[apis]]\nspec = 'a\n", 2, 10, "invalid TOML: Expected"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), BAD)
def test_mistakes_are_located(
    tmp_path: Path, text: str, line: int | None, column: int | None, message: str
) -> None:
    with pytest.raises(InputError) as err:
        parse_config(text, str(tmp_path / "apigw-cognito.toml"))
    assert message in err.value.message
    assert err.value.location is not None
    assert (err.value.location.line, err.value.location.column) == (line, column)


def test_config_errors_exit_2_with_file_line_and_column(project: Path) -> None:
    (project / "apigw-cognito.toml").write_text(CONFIG.replace('output = "build', 'outptu = "build'))
    code, _, stderr = run("apply", "--check")
    assert code == 2
    assert stderr.startswith("error: apigw-cognito.toml:8:1: unknown key 'outptu' in API 1")


def test_no_spec_and_no_configuration_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("audit")
    assert code == 2
    assert "no SPEC given and no apigw-cognito.toml" in stderr


def test_unknown_api_name(project: Path) -> None:
    code, _, stderr = run("audit", "--api", "cats")
    assert code == 2
    assert "no API named 'cats'" in stderr
    assert "configured: pets, pets-v2" in stderr


# --- every API at once -------------------------------------------------------------------------------------


def test_apply_writes_every_api_then_check_passes(project: Path) -> None:
    spec_before = (project / "specs" / "securepets.yaml").read_bytes()
    code, stdout, _ = run("apply")
    assert code == 0, stdout
    assert "apply: 2 APIs, 2 passed, 0 failed" in stdout
    assert (project / "build" / "securepets.yaml").is_file()
    assert (project / "specs" / "securepets.yaml").read_bytes() == spec_before, (
        "the spec with an output stays"
    )
    assert b"SecurePetsPool" in (project / "specs" / "securepets-swagger2.json").read_bytes(), "in place"
    code, stdout, _ = run("apply", "--check")
    assert code == 0, stdout
    assert "== pets: up to date" in stdout
    assert "== pets-v2: up to date" in stdout


def test_check_names_the_api_that_would_change(project: Path) -> None:
    assert run("apply")[0] == 0
    output = project / "build" / "securepets.yaml"
    output.write_bytes(output.read_bytes().replace(b"SecurePetsPool: []", b"SecurePetsPool: [x]", 1))
    code, stdout, _ = run("apply", "--check")
    assert code == 1
    assert "apply: 2 APIs, 1 passed, 1 failed: pets (would change)" in stdout
    assert "build/securepets.yaml: would change" in stdout


def test_a_broken_api_does_not_hide_the_others(project: Path) -> None:
    assert run("apply")[0] == 0
    (project / "specs" / "securepets-swagger2.json").write_text("{not json")
    code, stdout, _ = run("apply", "--check")
    assert code == 2, "the worst exit code of all APIs"
    assert "== pets: up to date" in stdout
    assert "pets-v2 (invalid input)" in stdout
    assert "specs/securepets-swagger2.json:1:2" in stdout


def test_audit_covers_every_api_and_json_report_lists_them(project: Path) -> None:
    code, stdout, stderr = run("audit", "--report", "json")
    assert code == 0, stdout
    body = json.loads(stdout)
    assert [a["name"] for a in body["apis"]] == ["pets", "pets-v2"]
    assert body["summary"] == {"apis": 2, "passed": 2, "failed": []}
    assert all(a["report"]["summary"]["open"] == 0 for a in body["apis"])
    assert "audit: 2 APIs, 2 passed, 0 failed" in stderr


def test_audit_fails_for_an_api_with_open_operations(project: Path) -> None:
    partial = (
        (SPECS / "securepets.selector.yaml")
        .read_text()
        .replace("  - select: POST /pets\n    public: true\n", "")
    )
    (project / "specs" / "partial.selector.yaml").write_text(partial)
    extra = (
        '\n[[apis]]\nname = "partial"\nspec = "specs/securepets.yaml"\n'
        'selector = "specs/partial.selector.yaml"\n'
    )
    (project / "apigw-cognito.toml").write_text(CONFIG + extra)
    code, stdout, _ = run("audit")
    assert code == 1
    assert "audit: 3 APIs, 2 passed, 1 failed: partial (OPEN operations)" in stdout
    assert "POST /pets is OPEN" in stdout


def test_command_line_overrides_the_file(project: Path) -> None:
    (project / "apigw-cognito.toml").write_text(CONFIG.replace('report = "text"', 'report = "markdown"'))
    code, stdout, _ = run("audit")
    assert code == 0
    assert stdout.startswith("## ✅ apigw-cognito audit: 2 APIs")
    code, stdout, _ = run("audit", "--report", "json")
    assert json.loads(stdout)["command"] == "audit"
    code, stdout, _ = run("audit", "--api", "pets-v2", "--report", "text")
    assert "audit: 1 API, 1 passed" in stdout
    assert "== pets:" not in stdout


def test_explicit_config_file(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / ".git").mkdir()
    shutil.move(project / "apigw-cognito.toml", project / "ci.toml")
    code, stdout, _ = run("audit", "--config", str(project / "ci.toml"))
    assert code == 0, stdout


def test_diff_for_every_api(project: Path) -> None:
    code, stdout, stderr = run("apply", "--check", "--diff")
    assert code == 1
    assert "+++ b/build/securepets.yaml" in stdout
    assert "+++ b/specs/securepets-swagger2.json" in stdout
    assert "2 failed" in stderr


def test_processes_give_the_same_outcomes_as_one_by_one(project: Path) -> None:
    config = load_config(project / "apigw-cognito.toml")
    task = batch.Task("apply", check=True)
    one = batch.run_many(config.apis, task, jobs=1)
    two = batch.run_many(config.apis, task, jobs=2)
    assert [(o.name, o.exit_code, o.status) for o in one] == [(o.name, o.exit_code, o.status) for o in two]
    assert [o.report.rows if o.report else None for o in one] == [
        o.report.rows if o.report else None for o in two
    ]


def test_small_inputs_run_in_this_process(project: Path) -> None:
    apis = load_config(project / "apigw-cognito.toml").apis
    assert batch.auto_jobs(apis) == 1
    assert batch.auto_jobs([Api("x", "missing.yaml", "s.yaml")]) == 1


def test_jobs_from_the_command_line_and_the_file(project: Path) -> None:
    assert run("apply")[0] == 0
    code, one, _ = run("apply", "--check", "--jobs", "1")
    assert code == 0
    code, two, _ = run("apply", "--check", "--jobs", "2")
    assert code == 0
    assert one == two
    (project / "apigw-cognito.toml").write_text("jobs = 2\n" + CONFIG)
    code, from_file, _ = run("apply", "--check")
    assert (code, from_file) == (0, one)


def test_large_inputs_use_a_process_per_core(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apis = load_config(project / "apigw-cognito.toml").apis
    monkeypatch.setattr(batch.os.path, "getsize", lambda _path: batch.PARALLEL_MIN_BYTES)
    monkeypatch.setattr(batch.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    assert batch.auto_jobs(apis) == 2, "never more workers than APIs"
    monkeypatch.setattr(batch.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert batch.auto_jobs(apis) == 1, "one core: no workers"


def test_project_options_need_no_spec(project: Path) -> None:
    code, _, stderr = run("audit", "specs/securepets.yaml", "--api", "pets")
    assert code == 2
    assert "leave out SPEC" in stderr
    code, _, stderr = run("apply", "--selector", "specs/securepets.selector.yaml")
    assert code == 2
    assert "need a SPEC" in stderr
