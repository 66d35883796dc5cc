"""The benchmark's generator and the pure parts of its harness (no timing here)."""

from __future__ import annotations

import difflib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from ruamel.yaml import YAML

from tests.support.paths import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.basics.figures import median, per_operation_growth, ratio
from benchmarks.measuring.model import Document
from benchmarks.outputs.coverage import coverage, operations_of
from benchmarks.outputs.line_diff import LineDiff, is_subsequence, line_diff
from benchmarks.outputs.verdicts import cli_verdict, validator_verdict
from benchmarks.report.results import to_json
from benchmarks.report.text import render
from benchmarks.synthetic import cache, document, yaml_text
from benchmarks.synthetic import selector as worst_case
from benchmarks.targets.judge import judge
from benchmarks.timing.commands import Command, rotated
from benchmarks.timing.processes import Sample, parse_gnu_time

from benchmarks import generate, run

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def operations(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, item in data["paths"].items() for m, op in item.items() if m in METHODS]


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


# ---------------------------------------------------------------------------------------------------------
# Generator


@pytest.mark.parametrize("version", ["2.0", "3.0"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_small_documents_are_valid(version: document.Version, fmt: document.Format) -> None:
    text = document.generate(60, version, fmt)
    data = json.loads(text) if fmt == "json" else load_yaml(text)
    validate(data)  # raises on any error
    assert data.get("swagger" if version == "2.0" else "openapi") == ("2.0" if version == "2.0" else "3.0.3")


@pytest.mark.parametrize("version", ["2.0", "3.0"])
def test_yaml_and_json_hold_the_same_data(version: document.Version) -> None:
    as_yaml = load_yaml(document.generate(45, version, "yaml"))
    as_json = json.loads(document.generate(45, version, "json"))
    assert as_yaml == as_json
    # ruamel.yaml (YAML 1.2) reads the same data as libyaml (YAML 1.1)
    assert json.loads(
        json.dumps(YAML(typ="safe", pure=True).load(document.generate(45, version, "yaml")))
    ) == (as_json)


@pytest.mark.parametrize("version", ["2.0", "3.0"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_generation_is_deterministic(version: document.Version, fmt: document.Format) -> None:
    assert document.generate(37, version, fmt) == document.generate(37, version, fmt)
    yaml_text.yaml_scalar.cache_clear()
    assert document.generate(37, version, fmt) == document.generate(37, version, fmt)


@pytest.mark.parametrize("count", [1, 2, 3, 9, 10, 11, 23, 100, 1234])
def test_exact_operation_counts(count: int) -> None:
    data = json.loads(document.generate(count, "3.0", "json"))
    ops = operations(data)
    assert len(ops) == count
    assert len({op["operationId"] for _, _, op in ops}) == count


def test_documents_look_like_api_gateway_definitions() -> None:
    text = document.generate(200, "3.0", "yaml")
    data = load_yaml(text)
    ops = operations(data)
    assert all("x-amazon-apigateway-integration" in op for _, _, op in ops)
    assert all(op["tags"] and op["responses"] for _, _, op in ops)
    preflights = [op for _, m, op in ops if m == "options"]
    assert len(preflights) == 40  # two per ten operations
    assert all(op["x-amazon-apigateway-integration"]["type"] == "mock" for op in preflights)
    assert "security" not in text  # securing them only inserts
    assert any(op.get("parameters") for _, _, op in ops)
    assert any("requestBody" in op for _, _, op in ops)
    assert {tag["name"] for tag in data["tags"]} >= {t for _, _, op in ops for t in op["tags"]}
    lines = text.split("\n")
    assert sum(1 for line in lines if line.lstrip().startswith("# ")) > 40  # full-line comments
    assert any(" # " in line and not line.lstrip().startswith("#") for line in lines)  # trailing ones
    assert any(line.endswith(": |") for line in lines)  # block scalars
    assert any(line.rstrip().endswith("]") and ": [" in line for line in lines)  # flow sequences


def test_json_is_indented_by_two() -> None:
    text = document.generate(10, "2.0", "json")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "value",
    ["yes", "No", "on", "null", "~", "200", "3.0.3", "2.0", "1e3", "it's", "a: b", "#x", "a #b", "",
     " x", "'*'", "x:", "-", "[a]", "{a}", "@x", "%x", "line\nbreak", "tab\there", "é", "/p/{id}",
     "https://e.com/a:b"],
)  # fmt: skip
def test_yaml_scalars_load_back_unchanged(value: str) -> None:
    written = yaml_text.yaml_scalar(value)
    assert load_yaml(f"k: {written}\n") == {"k": value}
    assert YAML(typ="safe", pure=True).load(f"k: {written}\n") == {"k": value}


def test_the_selector_is_the_worst_case() -> None:
    sel = load_yaml(worst_case.SELECTOR)
    assert sel == {
        "version": 1,
        "authorizers": {"Pool": {"user_pools": [worst_case.POOL_ARN]}},
        "rules": [{"select": "* /**", "authorizer": "Pool", "scopes": [worst_case.SCOPE]}],
        "default": "deny",
        "cors_preflight": "public",
    }


def test_cache_writes_once_and_prunes_stale_folders(tmp_path: Path) -> None:
    stale = tmp_path / "0123456789"
    stale.mkdir()
    (stale / "synth-3.0-5.yaml").write_text("old", encoding="utf-8")
    cache.prune_cache(tmp_path)
    assert not stale.exists()
    path, selector = cache.ensure(5, "3.0", "yaml", tmp_path)
    assert path.read_text(encoding="utf-8") == document.generate(5, "3.0", "yaml")
    assert selector.read_text(encoding="utf-8") == worst_case.SELECTOR
    stamp = path.stat().st_mtime_ns
    assert cache.ensure(5, "3.0", "yaml", tmp_path) == (path, selector)
    assert path.stat().st_mtime_ns == stamp


def test_command_line_writes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["-n", "3", "--version", "2.0", "--format", "json", "-o", "-"]) == 0
    assert capsys.readouterr().out == document.generate(3, "2.0", "json")


def test_build_refuses_empty_documents() -> None:
    with pytest.raises(ValueError, match="at least one"):
        document.build(0, "3.0")


# ---------------------------------------------------------------------------------------------------------
# Harness: pure parts


def test_median_and_ratio() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert median([]) is None
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, None) is None
    assert ratio(1.0, 0.0) is None


def test_rotation_gives_every_command_every_place() -> None:
    names = ["a", "b", "c"]
    orders = [rotated(names, t) for t in range(3)]
    assert orders == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    assert {o[0] for o in orders} == set(names)
    assert rotated([], 4) == []


def test_per_operation_growth() -> None:
    assert per_operation_growth((10_000, 1.0), (100_000, 10.0)) == pytest.approx(1.0)
    assert per_operation_growth((10_000, 1.0), (100_000, 15.0)) == pytest.approx(1.5)
    assert per_operation_growth((0, 1.0), (100_000, 15.0)) is None


def test_is_subsequence() -> None:
    assert is_subsequence(["a", "b"], ["x", "a", "y", "b"])
    assert not is_subsequence(["b", "a"], ["a", "b"])
    assert is_subsequence([], ["a"])
    assert not is_subsequence(["a", "a"], ["a"])


BEFORE = "\n".join(f"line {k}" for k in range(50)) + "\n"


def test_inserted_lines_change_nothing() -> None:
    lines = BEFORE.split("\n")
    after = "\n".join([*lines[:10], "  security:", "    - Pool: []", *lines[10:30], "new", *lines[30:]])
    diff = line_diff(BEFORE, after)
    assert (diff.changed, diff.inserted) == (0, 3)
    assert diff.output_lines == diff.input_lines + 3


def test_appending_after_a_last_line_without_newline_changes_nothing() -> None:
    assert line_diff("a\nb", "a\nb\nc").changed == 0


@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        (lambda ls: [*ls[:5], ls[5] + " # note", *ls[6:]], 1),  # a line rewritten
        (lambda ls: [*ls[:5], *ls[6:]], 1),  # a line removed
        (lambda ls: [*ls[:5], *ls[8:]], 3),  # three removed
        (lambda ls: [*ls[:5], ls[6], ls[5], *ls[7:]], 1),  # two lines swapped
        (lambda ls: [ls[0], "x", *ls[2:20], "y", *ls[21:]], 2),  # rewritten, with no anchor between
    ],
)
def test_changed_lines_are_counted(edit: Any, changed: int) -> None:
    before_lines = BEFORE.split("\n")
    after = "\n".join(edit(before_lines))
    diff = line_diff(BEFORE, after)
    assert diff.changed == changed
    assert diff.inserted == diff.output_lines - (diff.input_lines - changed)
    assert diff.examples[0][1] == before_lines[diff.examples[0][0] - 1]
    # the same count as difflib over the whole files
    matcher = difflib.SequenceMatcher(None, before_lines, after.split("\n"), autojunk=False)
    assert changed == sum(
        i2 - i1 for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("replace", "delete")
    )


def test_line_endings_count_as_part_of_a_line() -> None:
    crlf = BEFORE.replace("\n", "\r\n")
    assert line_diff(crlf, crlf.replace("line 3\r\n", "line 3\r\nnew\r\n")).changed == 0
    assert line_diff(crlf, BEFORE).changed == 50


def test_line_diff_on_a_generated_document_with_repeated_lines() -> None:
    before = document.generate(120, "3.0", "yaml")
    lines = before.split("\n")
    inserted: list[str] = []
    for line in lines:
        inserted.append(line)
        if line.strip() in ("get:", "post:", "put:", "delete:", "patch:"):
            pad = " " * (len(line) - len(line.lstrip()) + 2)
            inserted += [f"{pad}security:", f"{pad}  - Pool:", f"{pad}      - {worst_case.SCOPE}"]
    assert line_diff(before, "\n".join(inserted)).changed == 0
    # rewrite a repeated line ("type: string") and drop a comment
    k = next(i for i, line in enumerate(inserted) if line.strip() == "type: string")
    c = next(i for i, line in enumerate(inserted) if line.lstrip().startswith("# "))
    damaged = [
        *inserted[:c],
        *inserted[c + 1 : k],
        inserted[k].replace("string", "'string'"),
        *inserted[k + 1 :],
    ]
    diff = line_diff(before, "\n".join(damaged))
    assert diff.changed == 2


def test_operations_and_coverage() -> None:
    data = json.loads(document.generate(20, "3.0", "json"))
    cov = coverage(data)
    assert (cov.operations, cov.preflights, cov.secured, cov.public_preflights) == (20, 4, 0, 4)
    assert not cov.complete
    for _, method, op in operations(data):
        op["security"] = [] if method == "options" else [{"Pool": [worst_case.SCOPE]}]
    assert coverage(data).complete
    data["paths"]["/x"] = {"x-amazon-apigateway-any-method": {"security": []}, "summary": "not an operation"}
    assert coverage(data).operations == 21
    assert operations_of([]) == []


@pytest.mark.parametrize(
    ("returncode", "output", "verdict"),
    [
        (0, "ok: no findings", "valid"),
        (1, "x.json: error AGC305 document over API Gateway's 6 MB import limit", "valid"),
        (1, "x.json:3:1: error AGC401 OpenAPI validation error: 'info' is required", "invalid"),
        (1, "something failed", "unknown (exit 1, no finding code)"),
        (2, "error: no such file", "error (exit 2)"),
    ],
)
def test_cli_verdict(returncode: int, output: str, verdict: str) -> None:
    assert cli_verdict(returncode, output) == verdict


def test_validator_verdict() -> None:
    assert validator_verdict(0, "valid\n") == "valid"
    assert validator_verdict(1, "invalid: OpenAPIValidationError 'info' is required\n") == "invalid"
    assert validator_verdict(1, "Traceback ...") == "error (exit 1)"


def test_parse_matrix() -> None:
    assert run.parse_matrix("2.0:yaml:100") == ("2.0", "yaml", 100)
    for bad in ("3.1:yaml:10", "3.0:xml:10", "3.0:yaml:0", "3.0:yaml"):
        with pytest.raises(Exception, match="VERSION:FORMAT:OPERATIONS"):
            run.parse_matrix(bad)


def fake_command(name: str, walls: list[float], rss_kb: int = 100_000, returncode: int = 0) -> Command:
    cmd = Command(name, [name])
    cmd.samples = [Sample(wall=w, rss_kb=rss_kb, cpu=w, returncode=returncode) for w in walls]
    return cmd


def fake_document(name: str, fmt: str, ops: int, commands: list[Command], **extra: Any) -> Document:
    doc = Document(name, Path(name), fmt, "3.0", ops, 1000 * ops, synthetic=True, **extra)
    doc.commands = {c.name: c for c in commands}
    return doc


def test_targets_are_judged_from_medians() -> None:
    docs = [
        fake_document(
            "big.json",
            "json",
            10_000,
            [
                fake_command("apply", [1.0, 1.9, 1.2], rss_kb=140_000),
                fake_command("json", [0.6, 1.0, 0.8], rss_kb=100_000),
                fake_command("validate", [1.0]),
                fake_command("validator", [3.5]),
            ],
            verdicts={"apigw-cognito": "valid", "openapi-spec-validator": "valid"},
        ),
        fake_document(
            "big.yaml",
            "yaml",
            10_000,
            [fake_command("apply", [1.0, 2.0, 1.0]), fake_command("ruamel", [9.0])],
            lines=LineDiff(10, 12, 0, 2),
        ),
        fake_document(
            "changed.yaml",
            "yaml",
            10_000,
            [fake_command("apply", [0.1]), fake_command("ruamel", [9.0])],
            lines=LineDiff(10, 12, 1, 3),
        ),
        fake_document("small.json", "json", 100, [fake_command("apply", [5.0]), fake_command("json", [1.0])]),
        fake_document(
            "had-security.yaml",
            "yaml",
            100,
            [fake_command("apply", [1.0])],
            lines=LineDiff(10, 12, 1, 3),
            already_secured=1,
        ),
        fake_document(
            "big2.json", "json", 100_000, [fake_command("apply", [12.0]), fake_command("json", [8.0])]
        ),
    ]
    startup = {
        "import-json": fake_command("import-json", [0.02, 0.03, 0.02]),
        "help": fake_command("help", [0.03, 0.035, 0.05]),
        "apply-small": fake_command("apply-small", [0.05, 0.06, 0.05]),
    }
    verdicts = {(v.target.split()[0], v.document): v for v in judge(docs, startup, min_ops=1000)}
    assert verdicts[("1", "big.json")].passed is True
    assert verdicts[("1", "big.json")].measured == "1.50x"
    assert verdicts[("4", "big.json")].passed is True  # 1.4x
    assert verdicts[("3", "big.json")].passed is True  # 3.5x, same verdict
    assert verdicts[("2", "big.yaml")].passed is False  # 9x faster only
    assert verdicts[("2", "changed.yaml")].passed is False  # 90x faster, but a line changed
    assert verdicts[("1", "small.json")].passed is None  # too small to judge
    assert verdicts[("5", "synthetic 3.0 json")].passed is True  # 12 / 10 * 10,000 / 100,000
    assert verdicts[("5", "synthetic 3.0 json")].measured == "1.00x"
    assert verdicts[("6", "-")].passed is True  # 1.75x
    assert verdicts[("6", "specs/securepets.yaml")].passed is False  # 2.5x
    assert verdicts[("0", "big.yaml")].passed is True
    assert verdicts[("0", "changed.yaml")].passed is False
    assert verdicts[("0", "changed.yaml")].measured == "1 of 10"
    assert verdicts[("0", "big.json")].passed is False  # no line count: apply output not checked
    assert verdicts[("0", "had-security.yaml")].passed is None  # a replaced `security` value is a change
    text = render(docs, startup, list(verdicts.values()))
    assert "FAIL" in text
    assert "PASS" in text


def test_results_are_json(tmp_path: Path) -> None:
    doc = fake_document("d.json", "json", 10, [fake_command("apply", [0.1])], lines=LineDiff(1, 2, 0, 1))
    report = to_json([doc], {}, judge([doc], {}, 1), {"python": "3.11"}, {"quick": True})
    json.dump(report, io.StringIO())
    assert report["documents"][0]["commands"]["apply"]["wall_median"] == 0.1
    assert report["documents"][0]["lines"]["changed"] == 0


def test_parse_gnu_time() -> None:
    assert parse_gnu_time("9676 0 0.01 0.00\n") == (9676, 0, pytest.approx(0.01))
    assert parse_gnu_time("Command exited with non-zero status 3\n8628 3 0.25 0.05") == (
        8628,
        3,
        pytest.approx(0.3),
    )
    assert parse_gnu_time("") is None
    assert parse_gnu_time("/usr/bin/time: cannot run x") is None
