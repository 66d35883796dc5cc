"""Fuzzing the command line with hostile documents and selectors (strategies in `tests.support.strategies`).

Every case runs a real command (in process through typer's runner, or as a subprocess for a subset) on
files in a fresh folder and checks the promises made to pipelines that run the tool unattended:

- the exit code is 0, 1 or 2: never 4 (an internal error), never a traceback, never a signal;
- on 1 or 2, the message names the file at fault, with line and column when the problem has a place;
- on failure no output file is written, and no temporary file is left in the output folder;
- the input files are byte-identical afterwards.

`make test` runs a short, fixed-seed run (the `ci` profile when CI is set); `make fuzz` runs the `long`
profile with many more cases. `tests.support.fuzzstats` counts the cases for docs/robustness.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from apigw_cognito.cli import output
from apigw_cognito.cli.main import app
from tests.support.fuzzstats import record
from tests.support.strategies import (
    ROOT,
    SELECTOR_ENV,
    FuzzFile,
    hostile_documents,
    hostile_selectors,
    plain_selector,
    read_base,
)

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"


def fuzz_settings(short: int, long: int) -> settings:
    return settings(
        max_examples=long if LONG else short,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# Messages about a problem at a place in a document or a selector: these must carry line and column.
POSITIONAL = re.compile(
    r"not valid (?:YAML|JSON|UTF-8)|invalid YAML|duplicate key|is not a JSON number|integer too long"
    r"|lone carriage return|not allowed|YAML tag|not UTF-8|unknown key|must be a|nested more than"
)
PWNED = Path("/tmp/apigw-cognito-fuzz-pwned")  # what the !!python/object hazards would create


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def invoke(args: Sequence[str]) -> Outcome:
    result = CliRunner().invoke(app, list(args), env=SELECTOR_ENV)
    output.state["debug"] = False
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"an exception escaped the CLI: {result.exception!r}") from result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def spawn(args: Sequence[str], cwd: Path) -> Outcome:
    env = {**os.environ, **SELECTOR_ENV, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "apigw_cognito", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


@dataclass
class Case:
    """Input files written into a fresh folder, the command to run on them, and the files it may write."""

    folder: Path
    inputs: dict[Path, bytes]
    args: list[str]
    outputs: list[Path]

    @classmethod
    def make(cls, folder: Path, document: FuzzFile, selector: FuzzFile | None, command: str) -> Case:
        doc = folder / document.name
        inputs = {doc: document.raw}
        sel = None
        if selector is not None:
            sel = folder / ("sel-" + selector.name)
            inputs[sel] = selector.raw
        out = folder / "out" / ("secured-" + document.name)
        overlay = folder / "out" / "overlay.yaml"
        (folder / "out").mkdir()
        for path, raw in inputs.items():
            path.write_bytes(raw)
        s = ["-s", str(sel)] if sel is not None else []
        commands = {
            "apply": (["apply", str(doc), *s, "-o", str(out)], [out]),
            "apply-no-validate": (["apply", str(doc), *s, "-o", str(out), "--no-validate"], [out]),
            "apply-diff": (["apply", str(doc), *s, "--diff"], []),
            "apply-check": (["apply", str(doc), *s, "-o", str(out), "--check"], []),
            "apply-json": (["apply", str(doc), *s, "-o", str(out), "--report", "json"], [out]),
            "apply-sarif": (["apply", str(doc), *s, "-o", str(out), "--report", "sarif"], [out]),
            "apply-overlay": (
                ["apply", str(doc), *s, "-o", str(out), "--emit-overlay", str(overlay)],
                [out, overlay],
            ),
            "audit": (["audit", str(doc), *s], []),
            "audit-markdown": (["audit", str(doc), *s, "--report", "markdown"], []),
            "validate": (["validate", str(doc)], []),
            "init": (["init", str(doc), "-o", str(out)], [out]),
        }
        args, outputs = commands[command]
        return cls(folder, inputs, args, outputs)

    def check(self, outcome: Outcome) -> None:
        shown = f"{self.args}\nexit {outcome.code}\n"
        shown += f"stdout: {outcome.stdout[-2000:]}\nstderr: {outcome.stderr[-2000:]}"
        both = outcome.stdout + outcome.stderr
        assert outcome.code in (0, 1, 2), shown
        assert "Traceback" not in both, shown
        assert "internal error" not in both, shown
        names = [str(path) for path in self.inputs]
        if outcome.code != 0:
            assert any(name in both for name in names), f"no file named\n{shown}"
        if outcome.code == 2:
            errors = [line for line in outcome.stderr.splitlines() if line.startswith("error: ")]
            assert errors, shown
            first = errors[0]
            assert any(first.startswith(f"error: {name}") for name in names), shown
            if POSITIONAL.search(first):
                assert re.match(r"error: [^:]+:\d+:\d+: ", first), f"no line and column\n{shown}"
        for path, raw in self.inputs.items():
            assert path.read_bytes() == raw, f"{path} changed\n{shown}"
        written = set((self.folder / "out").iterdir())
        allowed = set(self.outputs) if outcome.code == 0 else set()
        assert written <= allowed, f"unexpected files {sorted(written - allowed)}\n{shown}"
        assert not PWNED.exists(), "a YAML tag constructed an object"


DOCUMENT_COMMANDS = [
    "apply",
    "apply",
    "apply-no-validate",
    "apply-diff",
    "apply-check",
    "apply-json",
    "apply-sarif",
    "apply-overlay",
    "audit",
    "audit-markdown",
    "validate",
    "init",
]
good_selectors = st.sampled_from(
    [
        plain_selector("deny.yaml"),
        plain_selector("deny.json"),
        FuzzFile("securepets.selector.yaml", read_base("specs/securepets.selector.yaml"), ("bundled",)),
        FuzzFile(
            "public.yaml",
            b"version: 1\nauthorizers:\n  P:\n    user_pools:"
            b" [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI]\n"
            b"rules: []\ndefault: P\n",
            ("default-authorizer",),
        ),
    ]
)


@fuzz_settings(short=300, long=6000)
@given(document=hostile_documents(), selector=good_selectors, command=st.sampled_from(DOCUMENT_COMMANDS))
def test_hostile_documents(document: FuzzFile, selector: FuzzFile, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        case = Case.make(Path(folder), document, selector, command)
        outcome = invoke(case.args)
        record("documents", outcome.code, document.hazards)
        case.check(outcome)


valid_documents = st.sampled_from(
    [
        FuzzFile("securepets.yaml", read_base("specs/securepets.yaml"), ("bundled",)),
        FuzzFile("securepets-swagger2.json", read_base("specs/securepets-swagger2.json"), ("bundled",)),
    ]
)


@fuzz_settings(short=200, long=4000)
@given(
    document=valid_documents,
    selector=hostile_selectors(),
    command=st.sampled_from(
        ["apply", "apply-no-validate", "apply-diff", "apply-check", "audit", "apply-json"]
    ),
)
def test_hostile_selectors(document: FuzzFile, selector: FuzzFile, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        case = Case.make(Path(folder), document, selector, command)
        outcome = invoke(case.args)
        record("selectors", outcome.code, selector.hazards)
        case.check(outcome)


@fuzz_settings(short=12, long=300)
@given(
    document=hostile_documents(),
    selector=st.one_of(good_selectors, hostile_selectors()),
    command=st.sampled_from(["apply", "audit", "validate"]),
)
def test_hostile_inputs_in_a_real_process(document: FuzzFile, selector: FuzzFile, command: str) -> None:
    """A separate process: a crash of the C parsers (a signal), output at exit or a hang would show here."""
    with tempfile.TemporaryDirectory() as folder:
        case = Case.make(Path(folder), document, selector, command)
        outcome = spawn(case.args, Path(folder))
        record("subprocess", outcome.code, (*document.hazards, *selector.hazards))
        case.check(outcome)
