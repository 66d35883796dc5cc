"""Split documents through the command line: every file edited by insertion, or nothing touched at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support.paths import ROOT

SPLIT = ROOT / "specs" / "split" / "securepets"
SELECTOR = ROOT / "specs" / "securepets.selector.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(SPLIT, tmp_path / "api")
    return tmp_path / "api"


def only_added_lines(before: bytes, after: bytes) -> bool:
    """Every line of `before` is in `after`, in order: the change inserted lines and removed none."""
    old, new = before.decode().splitlines(), after.decode().splitlines()
    i = 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
    return i == len(old)


def test_in_place_edits_each_file_by_insertion_only_and_twice_is_nothing(tree: Path) -> None:
    before = snapshot(tree)
    code, _, err = run("apply", str(tree / "openapi.yaml"), "-s", str(SELECTOR), "--in-place")
    assert code == 0, err
    after = snapshot(tree)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"openapi.yaml", "paths/pets.yaml", "paths/pet.yaml", "shared.yaml"}
    assert all(only_added_lines(before[name], after[name]) for name in changed)
    code, out, err = run("apply", str(tree / "openapi.yaml"), "-s", str(SELECTOR), "--check")
    assert code == 0, err
    assert "up to date" in out
    run("apply", str(tree / "openapi.yaml"), "-s", str(SELECTOR), "--in-place")
    assert snapshot(tree) == after


def test_check_names_every_file_that_would_change_and_writes_nothing(tree: Path) -> None:
    before = snapshot(tree)
    code, out, _ = run("apply", str(tree / "openapi.yaml"), "-s", str(SELECTOR), "--check")
    assert code == 1
    for name in ("openapi.yaml", "paths/pets.yaml", "paths/pet.yaml", "shared.yaml"):
        assert f"{tree / name}: would change" in out
    assert snapshot(tree) == before


def test_an_undecided_operation_behind_a_reference_is_listed_where_it_is_written(tree: Path) -> None:
    selector = tree.parent / "partial.yaml"
    text = SELECTOR.read_text().replace("  - select: POST /purchase\n", "  - select: POST /nothing\n")
    selector.write_text(text.replace("default: deny", "default: deny\n# partial"))
    before = snapshot(tree)
    code, out, _ = run("apply", str(tree / "openapi.yaml"), "-s", str(selector), "--in-place")
    assert code == 1
    assert f"{tree / 'shared.yaml'}:4:5: error AGC101: POST /purchase is selected by no rule" in out
    assert snapshot(tree) == before


def test_output_of_a_split_document_is_one_valid_bundle(tree: Path) -> None:
    out = tree.parent / "bundle.json"
    code, _, err = run("apply", str(tree / "openapi.yaml"), "-s", str(SELECTOR), "-o", str(out))
    assert code == 0, err
    data = json.loads(out.read_text())  # JSON for a .json output, whatever the root's format
    assert "$ref" not in json.dumps(data["paths"]).replace('"$ref": "#/', "")
    assert data["paths"]["/purchase"]["post"]["security"] == [
        {"SecurePetsPool": ["https://pets.example.com/purchase"]}
    ]
    assert set(data["components"]["schemas"]) == {"Pets", "Pet", "NewPet", "Purchase"}
    code, _, err = run("validate", str(out))
    assert code == 0, err


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("missing.yaml", "no such file"),
        ("../../elsewhere.yaml", "leaves the document's folder"),
        ("https://example.com/pets.yaml", "remote"),
        ("'#/paths/~1pets~1{petId}'", "cycle"),
    ],
)
def test_bad_references_stop_every_command_and_touch_no_file(tree: Path, ref: str, message: str) -> None:
    root = tree / "openapi.yaml"
    root.write_text(root.read_text().replace("$ref: paths/pet.yaml", f"$ref: {ref}"))
    before = snapshot(tree)
    for args in (
        ("apply", str(root), "-s", str(SELECTOR), "--in-place"),
        ("apply", str(root), "-s", str(SELECTOR), "--no-validate", "-o", str(tree / "out.yaml")),
        ("audit", str(root)),
        ("init", str(root)),
        ("validate", str(root)),
        ("bundle", str(root)),
    ):
        code, _, err = run(*args)
        assert code == 2, (args, err)
        assert message in err
        assert f"{root}:" in err  # located at the reference
        assert "Traceback" not in err
    assert snapshot(tree) == before


def test_init_lists_operations_behind_references(tree: Path) -> None:
    code, out, err = run("init", str(tree / "openapi.yaml"))
    assert code == 0, err
    for operation in ("OPTIONS /pets", "GET /pets", "GET /pets/{petId}", "POST /purchase"):
        assert operation in out


def test_sarif_locates_each_finding_in_its_own_file(tree: Path) -> None:
    code, out, _ = run("audit", str(tree / "openapi.yaml"), "--report", "sarif")
    assert code == 1
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert {u.rsplit("/", 2)[-1] for u in uris} >= {"pets.yaml", "pet.yaml", "shared.yaml"}


def test_configured_run_writes_a_split_document_in_place(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tree.parent / "apigw-cognito.toml"
    config.write_text(
        f'[[apis]]\nspec = "api/openapi.yaml"\nselector = "{SELECTOR}"\noutput = "api/openapi.yaml"\n'
    )
    monkeypatch.chdir(tree.parent)
    before = snapshot(tree)
    code, _, err = run("apply", "--check")
    assert code == 1, err
    assert snapshot(tree) == before
    code, _, err = run("apply")
    assert code == 0, err
    assert snapshot(tree) != before
    code, _, err = run("apply", "--check")
    assert code == 0, err


def test_allow_root_widens_the_folder_references_may_reach(tmp_path: Path) -> None:
    """docs/split-documents.md: a reference leaving the document's folder is refused; `--allow-root DIR`
    names a wider folder, from the command line of apply and audit."""
    shutil.copytree(SPLIT, tmp_path / "api")
    api = tmp_path / "api"
    (api / "paths").rename(tmp_path / "shared")  # the path items, one folder up
    shutil.copy(api / "schemas.yaml", tmp_path)  # what they name as ../schemas.yaml
    root = (api / "openapi.yaml").read_text().replace("$ref: paths/", "$ref: ../shared/")
    assert "../shared/" in root
    (api / "openapi.yaml").write_text(root)
    before = snapshot(tmp_path)
    code, _, stderr = run("apply", str(api / "openapi.yaml"), "-s", str(SELECTOR), "--in-place")
    assert code == 2
    assert "leaves the document's folder" in stderr
    assert snapshot(tmp_path) == before
    code, stdout, stderr = run("audit", str(api / "openapi.yaml"), "--allow-root", str(tmp_path))
    assert code in (0, 1), stderr
    assert "GET" in stdout
    args = (
        "apply",
        str(api / "openapi.yaml"),
        "-s",
        str(SELECTOR),
        "--in-place",
        "--allow-root",
        str(tmp_path),
    )
    code, _, stderr = run(*args)
    assert code == 0, stderr
    assert "SecurePetsPool" in (tmp_path / "shared" / "pets.yaml").read_text()
