"""The command line as users drive it: files written or not, exit codes, reports."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from apigw_cognito.cli import output
from tests.support.cli import SELECTOR, SPECS, run, securepets_copy


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    return securepets_copy(tmp_path)


def test_output_file_then_check_passes_and_second_run_is_identical(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    code, stdout, _ = run("apply", str(spec), "-s", SELECTOR, "-o", str(out))
    assert code == 0
    assert "5 operations" in stdout
    first = out.read_bytes()
    assert run("apply", str(spec), "-s", SELECTOR, "-o", str(out), "--check")[0] == 0
    # Applying to the result changes nothing: byte-identical.
    code, stdout, _ = run("apply", str(out), "-s", SELECTOR)
    assert code == 0
    assert stdout.encode() == first


def test_only_lines_are_added(spec: Path) -> None:
    code, stdout, _ = run("apply", str(spec), "-s", SELECTOR)
    assert code == 0
    before = spec.read_text().splitlines()
    after = stdout.splitlines()
    it = iter(after)
    assert all(any(line == other for other in it) for line in before), "an input line was changed or lost"
    assert len(after) > len(before)


def test_check_reports_a_stale_file(spec: Path) -> None:
    code, _, stderr = run("apply", str(spec), "-s", SELECTOR, "--in-place", "--check")
    assert code == 1
    assert "would change" in stderr or "would change" in _
    assert spec.read_bytes() == (SPECS / "securepets.yaml").read_bytes()


def test_in_place_follows_symlink_and_keeps_mode(spec: Path, tmp_path: Path) -> None:
    os.chmod(spec, 0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(spec)
    assert run("apply", str(link), "-s", SELECTOR, "--in-place")[0] == 0
    assert link.is_symlink()
    assert "SecurePetsPool" in spec.read_text()
    assert stat.S_IMODE(spec.stat().st_mode) == 0o640


def test_failure_writes_nothing(spec: Path, tmp_path: Path) -> None:
    selector = tmp_path / "deny.yaml"
    selector.write_text(
        "version: 1\nauthorizers:\n  P:\n    user_pools:"
        " [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X1]\n"
        "rules:\n  - select: GET /pets\n    authorizer: P\ndefault: deny\n"
    )
    out = tmp_path / "out.yaml"
    code, _, _ = run("apply", str(spec), "-s", str(selector), "-o", str(out))
    assert code == 1
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_every_output_creates_its_missing_folders(spec: Path, tmp_path: Path) -> None:
    new = tmp_path / "new" / "deeper"
    outputs = [
        (
            "apply",
            str(spec),
            "-s",
            SELECTOR,
            "-o",
            str(new / "a.yaml"),
            "--emit-overlay",
            str(new / "o.yaml"),
        ),
        ("init", str(spec), "-o", str(new / "init" / "starter.selector.yaml")),
        ("bundle", str(spec), "-o", str(new / "bundle" / "x.yaml")),
    ]
    for args in outputs:
        code, _, stderr = run(*args)
        assert code == 0, (args, stderr)
    assert sorted(p.relative_to(new).as_posix() for p in new.rglob("*") if p.is_file()) == [
        "a.yaml",
        "bundle/x.yaml",
        "init/starter.selector.yaml",
        "o.yaml",
    ]


def test_exit_non_zero_on_write_fails_only_the_run_that_writes(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    code, _, stderr = run("apply", str(spec), "-s", SELECTOR, "-o", str(out), "--exit-non-zero-on-write")
    assert code == 1
    assert f"wrote {out}: add it and commit again" in stderr
    assert out.is_file()
    assert run("apply", str(spec), "-s", SELECTOR, "-o", str(out), "--exit-non-zero-on-write")[0] == 0


def test_an_output_folder_that_cannot_be_made_is_exit_2(spec: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, _, stderr = run("apply", str(spec), "-s", SELECTOR, "-o", str(tmp_path / "file" / "out.yaml"))
    assert code == 2
    assert "cannot be created" in stderr


def test_in_place_and_output_exclude_each_other(spec: Path, tmp_path: Path) -> None:
    code, _, stderr = run("apply", str(spec), "-s", SELECTOR, "--in-place", "-o", str(tmp_path / "x"))
    assert code == 2
    assert "exclude" in stderr


def test_json_report_is_machine_readable(spec: Path, tmp_path: Path) -> None:
    code, stdout, _ = run(
        "apply", str(spec), "-s", SELECTOR, "-o", str(tmp_path / "o.yaml"), "--report", "json"
    )
    assert code == 0
    report = json.loads(stdout)
    ops = {(o["method"], o["path"]): o for o in report["operations"]}
    assert ops[("GET", "/pets")]["decision"] == "secured"
    assert ops[("GET", "/pets")]["rule"] == "rule 1"
    assert ops[("POST", "/purchase")]["scopes"] == ["https://pets.example.com/purchase"]
    assert ops[("OPTIONS", "/pets")]["decision"] == "public"
    assert ops[("OPTIONS", "/pets")]["rule"] == "cors_preflight"
    assert report["summary"]["open"] == 0
    assert report["wrote"] is True


def test_audit_exit_codes(spec: Path) -> None:
    assert run("audit", str(spec))[0] == 1  # nothing is secured yet: every operation is OPEN
    assert run("audit", str(spec), "-s", SELECTOR)[0] == 0


def test_internal_error_is_exit_4_without_traceback(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr("apigw_cognito.app.pipeline.secure", boom)
    code, _, stderr = run("apply", str(spec), "-s", SELECTOR)
    assert code == 4
    assert "internal error" in stderr
    assert "Traceback" not in stderr
    code, _, stderr = run("--debug", "apply", str(spec), "-s", SELECTOR)
    assert code == 4
    assert "Traceback" in stderr
    output.state["debug"] = False


def test_schema_is_json() -> None:
    code, stdout, _ = run("schema")
    assert code == 0
    assert json.loads(stdout)["type"] == "object"
