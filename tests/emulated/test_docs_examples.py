"""Every command example in README.md and docs/, run as a user would run it from a fresh clone, in the order
the pages give them; the console output they show is compared with what the commands print.

One folder plays the clone (a copy of `specs/`), and the pages are followed in the order of the README's
documentation table. The commands that call AWS run against LocalStack and moto set up exactly as
`eval "$(make -s emulators-up)"` sets them up (the SecurePets and SecureNotes pools, resource servers and
app clients made in moto, the exported variables), from the first such command on. A console block's lines
must appear in what the command printed, in order within standard output and within standard error (a
terminal interleaves them), `...` standing for lines (or, inside a line, text) left out; ids, ports and
times are compared by shape. Files a page's example assumes the reader wrote (a selector with mistakes in
it) come from the golden cases that hold them. A command this runner does not know fails the test, so a new
example cannot go unrun. docs/recipes.md's Python blocks are run by test_library.py.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support.emulators import manager
from tests.support.paths import ROOT
from tests.support.serving import Command, Recorder, call, free_port

# The pages in the order the README's documentation table gives them, the README first.
PAGES = (
    "README.md",
    "docs/split-documents.md",
    "docs/selector.md",
    "docs/import-and-emulators.md",
    "docs/pipelines.md",
    "docs/recipes.md",
    "docs/architecture.md",
    "docs/development.md",
    "docs/robustness.md",
    "docs/performance.md",
)
GOLDEN = ROOT / "tests" / "golden"
# Files an example assumes the reader has written: (page, command) -> {file: where its content comes from}.
WRITTEN_BY_THE_READER = {
    ("README.md", "apigw-cognito apply specs/securepets.yaml -s tutorial.selector.yaml"): {
        "tutorial.selector.yaml": GOLDEN / "tutorial-purchase-method" / "selector.yaml"
    },
    ("docs/selector.md", "apigw-cognito apply specs/securepets.yaml -s selector.yaml"): {
        "selector.yaml": GOLDEN / "selector-many-mistakes" / "selector.yaml"
    },
    (
        "docs/import-and-emulators.md",
        'apigw-cognito explain specs/securepets.yaml -s selector.yaml "POST /pets"',
    ): {"selector.yaml": GOLDEN / "rule-decides-nothing" / "selector.yaml"},
}
# Exit codes other than 0 that an example is meant to end with.
EXIT_CODES = {
    "apigw-cognito apply specs/securepets.yaml -s tutorial.selector.yaml": 2,
    "apigw-cognito apply specs/securepets.yaml -s selector.yaml": 2,
    "apigw-cognito audit specs/split/securepets/openapi.yaml": 1,
    "apigw-cognito audit --live": 1,  # SecurePets' public methods are OPEN without allowances
    'apigw-cognito explain specs/securepets.yaml -s specs/securepets.selector.yaml "POST /purchase"'
    ' --token-file access-token.jwt --endpoint-url "$AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"': 1,
}
# Commands that are not run here (as split into words, comments left out), and why.
NOT_RUN = {
    "make test": "the suite itself",
    "export APIGW_COGNITO_LIVE_API_ID=a1b2c3d4e5": "real AWS (tests/live)",
    "export APIGW_COGNITO_LIVE_POOL=": "real AWS (tests/live)",
    "AWS_PROFILE=sandbox .venv/bin/pytest -m live tests/live/test_live_aws.py": "real AWS (tests/live)",
}
AWS_SUBCOMMANDS = ("import", "verify", "audit --live", "--from-api", "--api-name", "--token-file")
SHAPES = (
    (re.compile(r"us-east-1_[0-9A-Za-z]+"), "us-east-1_<id>"),
    (re.compile(r"http://127\.0\.0\.1:\d+"), "http://127.0.0.1:<port>"),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:Z|\+00:00)"), "<time>"),
    (re.compile(r"\b[0-9a-z]{10}\b(?=\)|$| \()"), "<api id>"),
)


@dataclass
class Example:
    page: str
    line: int
    kind: str  # "sh", "console", "diff", "text", "toml", "python", "yaml"
    commands: list[str] = field(default_factory=list)
    shown: list[list[str]] = field(default_factory=list)  # console: each command's output as shown
    body: str = ""


def examples(page: str) -> Iterator[Example]:
    """The fenced blocks of `page` (indented ones too), with their commands joined across `\\` lines."""
    text = (ROOT / page).read_text()
    fence = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
    for match in fence.finditer(text):
        indent, kind = len(match.group(1)), match.group(2)
        body = "\n".join(line[indent:] for line in match.group(3).splitlines())
        example = Example(page, text[: match.start()].count("\n") + 1, kind, body=body)
        lines = _joined(body.splitlines())
        if kind == "sh":
            example.commands = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
        elif kind == "console":
            for line in lines:
                if line.startswith("$ "):
                    example.commands.append(line[2:])
                    example.shown.append([])
                elif example.shown:
                    example.shown[-1].append(line)
        yield example


def _joined(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def shaped(text: str) -> str:
    for pattern, shape in SHAPES:
        text = pattern.sub(shape, text)
    return text.rstrip()


def shows(streams: list[list[str]], shown: list[str]) -> str | None:
    """None when the `shown` lines appear in the command's output, each in order within its stream
    (standard output or error, which a terminal interleaves); else the first line missing. `...` inside a
    line stands for any text."""
    got = [[shaped(line) for line in stream] for stream in streams]
    at = [0] * len(got)
    for line in shown:
        if line.strip() == "...":
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in shaped(line).split("...")) + "$")
        for index, stream in enumerate(got):
            found = next((i for i in range(at[index], len(stream)) if pattern.match(stream[i])), None)
            if found is not None:
                at[index] = found + 1
                break
        else:
            return line
    return None


class Reader:
    """A person following the pages in one clone, with the emulators started once they are needed."""

    def __init__(self, clone: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
        self.clone = clone
        self.monkeypatch = monkeypatch
        self.request = request
        self.last: Any = None
        self.securepets: dict[str, str] | None = None
        self.moto = ""
        self.served = ""  # where the `serve` a page started listens
        self.running = contextlib.ExitStack()  # that server and its backend, stopped when the test ends
        request.addfinalizer(self.running.close)

    def emulators_up(self) -> None:
        """What `eval "$(make -s emulators-up)"` does for the shell: the pool made in moto, the variables."""
        if self.securepets is not None:
            return
        localstack = self.request.getfixturevalue("localstack_url")
        self.moto = self.request.getfixturevalue("moto_url")
        self.securepets = manager.example_pool(self.moto, manager.SECUREPETS)
        state = {
            "localstack": {"url": localstack},
            "moto": {"url": self.moto},
            "securepets": self.securepets,
            "securenotes": manager.example_pool(self.moto, manager.SECURENOTES),
        }
        for key, value in manager.env_vars(state).items():
            self.monkeypatch.setenv(key, value)

    def run(self, example: Example, command: str) -> Any:
        args = shlex.split(command, comments=True)
        if " ".join(args).startswith(tuple(NOT_RUN)):
            return None
        target = None
        if ">" in args:
            args, target = args[: args.index(">")], args[args.index(">") + 1]
        for name, source in WRITTEN_BY_THE_READER.get((example.page, command), {}).items():
            (self.clone / name).write_bytes(source.read_bytes())
        if args == ["make", "demo"]:
            return self._make_demo()
        if args[:2] == ["mkdir", "-p"]:
            (self.clone / args[2]).mkdir(parents=True, exist_ok=True)
            return None
        if args == [".venv/bin/python", "scripts/emulators.py", "token"]:
            self.emulators_up()
            assert self.securepets is not None
            assert target is not None
            (self.clone / target).write_text(manager.securepets_token(self.moto, self.securepets) + "\n")
            return None
        if args[:2] == ["apigw-cognito", "serve"]:
            return self._serve(args[2:])
        if args[0] == "curl":
            return self._curl(example, args[1:])
        assert args[0] == "apigw-cognito", f"{example.page}:{example.line}: no way to run {command!r}"
        if any(f" {word}" in f" {' '.join(args[1:])}" for word in AWS_SUBCOMMANDS):
            self.emulators_up()
        args = [os.path.expandvars(arg) for arg in args]
        result = CliRunner().invoke(app, args[1:], catch_exceptions=False)
        expected = EXIT_CODES.get(re.sub(r"\s+#.*$", "", command), 0)
        assert result.exit_code == expected, (
            f"{example.page}:{example.line}: `{command}` exited {result.exit_code}\n{result.output}"
        )
        if target:
            (self.clone / target).write_text(result.stdout)
        self.last = result
        return result

    def _serve(self, args: list[str]) -> None:
        """`serve` as a person starts it beside a backend of theirs: `--upstream` pointed at a backend on a
        free port, itself on a free port (for the page's 4010), stopped with Ctrl-C when the test ends."""
        self.emulators_up()
        backend = self.running.enter_context(Recorder().running())
        if "--upstream" in args:
            args[args.index("--upstream") + 1] = backend.url
        port = free_port()
        server = Command([*args, "--port", str(port)])
        self.running.callback(server.stop)
        self.served = f"http://127.0.0.1:{port}"
        server.wait_for(f"on {self.served}")

    def _curl(self, example: Example, args: list[str]) -> None:
        """The page's `curl -i URL -H "Authorization: $ID_TOKEN"` against the `serve` started above, with
        an ID token of the SecurePets pool's user: what the method without scopes accepts."""
        assert self.served, f"{example.page}:{example.line}: curl before serve"
        assert self.securepets is not None
        url = next(a for a in args if a.startswith("http://127.0.0.1:4010"))
        token = manager.securepets_token(self.moto, self.securepets, "IdToken")
        headers = [args[i + 1] for i, a in enumerate(args) if a == "-H"]
        assert headers == ["Authorization: $ID_TOKEN"], headers
        reply = call(url.replace("http://127.0.0.1:4010", self.served), "GET", {"Authorization": token})
        assert reply.status == 200, f"{example.page}:{example.line}: {reply.status} {reply.body!r}"

    def _make_demo(self) -> None:
        if not (ROOT / ".venv" / "bin" / "python").exists():
            pytest.fail("make demo needs the project's .venv (`make install`)")
        done = subprocess.run(["make", "demo"], cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 mismatches" in done.stdout


@pytest.fixture
def reader(
    aws_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Reader:
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".git").mkdir()  # the configuration file is looked for up to the repository root
    shutil.copytree(ROOT / "specs", clone / "specs")
    monkeypatch.chdir(clone)
    monkeypatch.delenv("SECUREPETS_USER_POOL", raising=False)
    return Reader(clone, monkeypatch, request)


def follow(reader: Reader, example: Example) -> None:
    """Run one block as its page means it."""
    where = f"{example.page}:{example.line}"
    if example.kind == "toml" and example.page == "docs/pipelines.md":
        (reader.clone / "apigw-cognito.toml").write_text(example.body)
    elif example.kind == "python" and example.page == "docs/pipelines.md":
        reader.last = _python(example)
    elif example.kind == "text" and isinstance(reader.last, str):  # what the Python block above printed
        assert ast.literal_eval(reader.last.strip()) == ast.literal_eval(example.body.strip()), where
        reader.last = None  # only the text block right below it shows that output
    elif example.kind == "diff":
        _diff(reader, example)
    elif example.kind == "yaml" and example.page in ("README.md", "docs/pipelines.md"):
        _yaml(reader, example)
    for command, shown in zip(example.commands, example.shown or [[]] * len(example.commands), strict=True):
        if command == "echo $?":
            assert [str(reader.last.exit_code)] == shown, where
            continue
        result = reader.run(example, command)
        if shown and result is not None:
            missing = shows([result.stdout.splitlines(), result.stderr.splitlines()], shown)
            assert missing is None, (
                f"{where}: `{command}` did not print\n{missing}\nit printed:\n{result.output}"
            )


def _python(example: Example) -> str:
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example.body, f"{example.page}:{example.line}", "exec"), {})
    return out.getvalue()


def _yaml(reader: Reader, example: Example) -> None:
    """README's selectors are the bundled ones; pipelines.md's pre-commit hooks exist and its CI steps run."""
    import yaml
    from pre_commit.clientlib import load_manifest

    data = yaml.safe_load(example.body)
    if example.page == "README.md" and "version" not in data:  # the HTTP APIs section's authorizer
        from apigw_cognito.selector.loader import load_selector

        rule = "rules:\n  - select: GET /notes\n    authorizer: NotesUsers\n"
        shown = load_selector(f"version: 1\n{example.body}\n{rule}".encode(), "README.md", {})
        bundled = ROOT / "specs" / "securenotes-http.selector.yaml"
        (readme,) = shown.authorizers.values()
        spec = load_selector(bundled.read_bytes(), str(bundled), {}).authorizers[readme.name]
        fields = ("type", "user_pools", "audience", "identity_source")
        assert [getattr(readme, f) for f in fields] == [getattr(spec, f) for f in fields]
    elif example.page == "README.md":
        assert data == yaml.safe_load((ROOT / "specs" / "securepets.selector.yaml").read_text())
    elif isinstance(data, dict):
        hooks = {h["id"] for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
        assert {h["id"] for h in data["repos"][0]["hooks"]} <= hooks
    else:
        for step in data:
            if "run" in step:
                reader.run(example, step["run"])
            elif "sarif_file" in step.get("with", {}):
                assert (reader.clone / step["with"]["sarif_file"]).is_file()


def _diff(reader: Reader, example: Example) -> None:
    """README's diff: the added lines it shows are what `apply ... --diff` adds."""
    command = re.search(r"`(apigw-cognito apply [^`]*--diff)`", (ROOT / example.page).read_text())
    assert command is not None
    result = reader.run(example, command.group(1))
    added = {line for line in result.stdout.splitlines() if line.startswith("+")}
    shown = [line for line in example.body.splitlines() if line.startswith("+")]
    assert shown
    assert set(shown) <= added, set(shown) - added


def test_every_command_example_runs_as_written(reader: Reader) -> None:
    ran = 0
    for page in PAGES:
        for example in examples(page):
            if example.page == "docs/recipes.md":
                continue  # its blocks run in test_library.py and, against CloudFormation, test_stacks.py
            follow(reader, example)
            ran += len(example.commands)
    assert ran >= 30
    # What the pages said would be written is there: the adopted pair, the reports, the overlay, the starter.
    assert "SecurePetsPool" in (reader.clone / "pets.selector.yaml").read_text()
    assert "x-amazon-apigateway-gateway-responses" in (reader.clone / "pets.yaml").read_text()
    assert json.loads((reader.clone / "apigw-cognito.sarif").read_text())["version"] == "2.1.0"
    assert (reader.clone / "apigw-cognito.xml").read_text().startswith("<?xml")
    assert (reader.clone / "build" / "securepets.overlay.yaml").is_file()
    assert "default: deny" in (reader.clone / "build" / "starter.selector.yaml").read_text()


def test_the_readme_command_table_names_only_options_the_commands_have() -> None:
    """Each option the README's command table shows is one its command's --help lists, and the table names
    the ways to pick a live API (`--api-name`) and a selector (`-s`) where the commands take them."""
    text = (ROOT / "README.md").read_text()
    table = text[text.index("## Commands") :].split("\n\n")[1]
    rows = [re.match(r"\| `([^`]+)`(?: / `([^`]+)`)?", line) for line in table.splitlines()[2:]]
    usages = [u for row in rows if row for u in row.groups() if u]
    assert len(usages) >= 12
    for usage in usages:
        command = usage.split()[0]
        shown = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage))
        help_text = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
        missing = {option for option in shown if not re.search(rf"(?<![\w-]){option}\b", help_text)}
        assert not missing, f"README: `{usage}`: {command} --help has no {', '.join(sorted(missing))}"
    live_audit = next(u for u in usages if u.startswith("audit --live"))
    adopt = next(u for u in usages if "--from-api" in u)
    assert {"--api-name", "-s"} <= set(re.findall(r"--?[a-z-]+", live_audit))
    assert "--api-name" in re.findall(r"--?[a-z-]+", adopt)
