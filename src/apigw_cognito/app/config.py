"""Project configuration: the APIs of a repository, each with its selector, output and import targets.

Read from `apigw-cognito.toml`, or from the `[tool.apigw-cognito]` table of `pyproject.toml`, found in the
working folder or the nearest parent up to the repository root. The same keys in both:

```toml
report = "markdown"        # optional: the default of --report
validate = true            # optional: false is the default of --no-validate
jobs = 0                   # optional: APIs checked at once; 0 picks by the number of APIs and cores

[[apis]]
name = "securepets"                         # optional; the spec path by default
spec = "specs/securepets.yaml"
selector = "specs/securepets.selector.yaml"
output = "build/securepets.yaml"            # optional; without it the spec itself is kept secured

[apis.targets.prod]                         # optional import targets, by environment
api_name = "SecurePets"                     # or rest_api_id = "a1b2c3d4e5" (HTTP APIs: http_api_id,
                                            # http_api_name)
region = "eu-west-1"
stage = "prod"
mode = "overwrite"                          # or merge
create = true                               # optional: create the API when none has that name
env = { SECUREPETS_USER_POOL = "arn:aws:cognito-idp:..." }   # ${VAR}s for the selector
```

Paths are relative to the folder of the configuration file. Every mistake is an `InputError` at the
file, line and column of the key it is about.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from apigw_cognito.app.files import read_input
from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.text import decode_utf8

CONFIG_FILE = "apigw-cognito.toml"
PYPROJECT = "pyproject.toml"
TOOL_KEY = "apigw-cognito"
REPORTS = ("text", "json", "markdown", "sarif", "junit")
MODES = ("overwrite", "merge")

Mode = Literal["overwrite", "merge"]
Key = tuple[str | int, ...]


@dataclass(frozen=True)
class Target:
    """Where one API is imported in one environment."""

    environment: str
    rest_api_id: str | None = None
    api_name: str | None = None
    region: str | None = None
    profile: str | None = None
    stage: str | None = None
    mode: Mode = "overwrite"
    create: bool = False  # with api_name: create the API when none has that name
    env: Mapping[str, str] = field(default_factory=dict)
    http_api_id: str | None = None  # an HTTP API (API Gateway v2) instead of a REST API
    http_api_name: str | None = None

    @property
    def http_api(self) -> bool:
        return self.http_api_id is not None or self.http_api_name is not None


@dataclass(frozen=True)
class Api:
    name: str
    spec: str  # paths as the user's commands should open them (relative to the working folder if possible)
    selector: str
    output: str | None = None
    validate: bool | None = None
    targets: Mapping[str, Target] = field(default_factory=dict)
    location: Location | None = None

    @property
    def target_path(self) -> str:
        """The file `apply --check` compares and `apply` writes: the output, or the spec itself."""
        return self.output or self.spec


@dataclass(frozen=True)
class Config:
    path: str
    apis: tuple[Api, ...]
    report: str | None = None
    validate: bool | None = None
    jobs: int | None = None

    def select(self, names: Sequence[str]) -> tuple[Api, ...]:
        """The APIs named (all when `names` is empty); an unknown name is an error listing the known ones."""
        if not names:
            return self.apis
        by_name = {api.name: api for api in self.apis}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise InputError(
                f"no API named {', '.join(map(repr, unknown))} in the configuration",
                Location(self.path),
                hint="configured: " + ", ".join(by_name),
            )
        return tuple(by_name[n] for n in dict.fromkeys(names))


# --- finding the file ------------------------------------------------------------------------------------


def _has_tool_table(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    # Cheap test first; the real parse (with its errors) happens in `load_config`.
    return re.search(r'^\s*\[\[?\s*tool\s*\.\s*["\']?apigw-cognito\b', text, re.MULTILINE) is not None


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration that applies in `start` (the working folder): nearest first, up to the repo root."""
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        pyproject = candidate / PYPROJECT
        found_own = own.is_file()
        found_tool = pyproject.is_file() and _has_tool_table(pyproject)
        if found_own and found_tool:
            raise InputError(
                f"both {CONFIG_FILE} and [tool.{TOOL_KEY}] in {PYPROJECT} configure apigw-cognito here",
                Location(str(own)),
                hint="keep one of them",
            )
        if found_own:
            return own
        if found_tool:
            return pyproject
        if (candidate / ".git").exists():
            break
    return None


# --- positions in TOML text ------------------------------------------------------------------------------


_BARE = re.compile(r"[A-Za-z0-9_-]+")
_INLINE_KEY = re.compile(r"""[{,]\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _split_keys(text: str) -> list[tuple[str, int]] | None:
    """Dotted TOML keys with each key's offset in `text`, or None when `text` is not a plain key list."""
    keys: list[tuple[str, int]] = []
    i = 0
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            return None
        start = i
        if text[i] in "\"'":
            quote = text[i]
            end = text.find(quote, i + 1)
            while quote == '"' and end > 0 and text[end - 1] == "\\":
                end = text.find(quote, end + 1)
            if end < 0:
                return None
            keys.append((text[i + 1 : end], start))
            i = end + 1
        else:
            m = _BARE.match(text, i)
            if m is None:
                return None
            keys.append((m.group(0), start))
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            return keys
        if text[i] != ".":
            return None
        i += 1


class TomlPositions:
    """Where each table header and key assignment of a TOML file is, by its path in the parsed data.

    Array-of-table entries are numbered like the parsed list, so ``("apis", 1, "spec")`` is the `spec` key
    of the second ``[[apis]]``. Values spanning several lines (arrays, multi-line strings) are skipped over
    roughly; a path not found falls back to its nearest parent, then to the file.
    """

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.places: dict[Key, Location] = {}
        self._counts: dict[Key, int] = {}
        self._table: Key = ()
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline is not None:
                if in_multiline in line:
                    in_multiline = None
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            column = len(line) - len(line.lstrip()) + 1
            if stripped.startswith("[["):
                self._array_table(stripped[2 : stripped.find("]]")], Location(name, number, column))
            elif stripped.startswith("["):
                self._table_header(stripped[1 : stripped.find("]")], Location(name, number, column))
            else:
                in_multiline = self._key_line(line, number)

    def _array_table(self, header: str, where: Location) -> None:
        keys = _split_keys(header)
        if keys is None:
            return
        names = [k for k, _ in keys]
        base = (*self._resolve(names[:-1], self._counts), names[-1])
        self._counts[base] = self._counts.get(base, -1) + 1
        self._table = (*base, self._counts[base])
        self.places.setdefault(base, where)
        self.places[self._table] = where

    def _table_header(self, header: str, where: Location) -> None:
        keys = _split_keys(header)
        if keys is None:
            return
        self._table = self._resolve([k for k, _ in keys], self._counts)
        self.places.setdefault(self._table, where)

    def _key_line(self, line: str, number: int) -> str | None:
        """Record a `key = value` line; the quote that opens a multi-line string on it, if any."""
        eq = self._assignment(line)
        keys = _split_keys(line[:eq]) if eq is not None else None
        if eq is None or keys is None:
            return None
        path: Key = self._table
        for key, offset in keys:
            path = (*path, key)
            self.places.setdefault(path, Location(self.name, number, offset + 1))
        rest = line[eq + 1 :].strip()
        if rest.startswith("{"):  # a one-line inline table: its keys, one level deep
            for m in _INLINE_KEY.finditer(line, line.index("{", eq)):
                key = m.group(1)
                key = key[1:-1] if key[:1] in "\"'" else key
                self.places.setdefault((*path, key), Location(self.name, number, m.start(1) + 1))
        return next((q for q in ('"""', "'''") if rest.startswith(q) and rest.count(q) == 1), None)

    @staticmethod
    def _assignment(line: str) -> int | None:
        quote: str | None = None
        for i, ch in enumerate(line):
            if quote is not None:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "=":
                return i
            elif ch == "#":
                return None
        return None

    @staticmethod
    def _resolve(keys: Sequence[str], counts: Mapping[Key, int]) -> Key:
        """A header's path, with the current index of every array of tables it passes through."""
        path: Key = ()
        for key in keys:
            path = (*path, key)
            if path in counts:
                path = (*path, counts[path])
        return path

    def locate(self, path: Key) -> Location:
        steps = tuple(path)
        while steps:
            if steps in self.places:
                return self.places[steps]
            steps = steps[:-1]
        return Location(self.name)


# --- loading ---------------------------------------------------------------------------------------------

_DECODE_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = " (at end of document)"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Reader:
    def __init__(self, positions: TomlPositions, root: Key, folder: Path) -> None:
        self.positions = positions
        self.root = root
        self.folder = folder

    def error(self, path: Key, message: str, hint: str | None = None) -> InputError:
        return InputError(message, self.positions.locate((*self.root, *path)), hint=hint)

    def table(self, value: Any, path: Key, allowed: Sequence[str], what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"{what} must be a table, got {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.error(
                    (*path, key), f"unknown key {key!r} in {what}", hint="allowed: " + ", ".join(allowed)
                )
        return value

    def string(self, table: Mapping[str, Any], key: str, path: Key, *, required: bool = False) -> str | None:
        if key not in table:
            if required:
                raise self.error(path, f"missing key {key!r}")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error((*path, key), f"{key!r} must be a non-empty string, got {_kind(value)}")
        return value

    def boolean(self, table: Mapping[str, Any], key: str, path: Key) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            raise self.error((*path, key), f"{key!r} must be true or false, got {_kind(value)}")
        return value

    def choice(self, table: Mapping[str, Any], key: str, path: Key, choices: Sequence[str]) -> str | None:
        value = self.string(table, key, path)
        if value is not None and value not in choices:
            raise self.error((*path, key), f"{key!r} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def file(self, table: Mapping[str, Any], key: str, path: Key, *, required: bool = False) -> str | None:
        value = self.string(table, key, path, required=required)
        return None if value is None else display_path(self.folder / value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def display_path(path: Path) -> str:
    """`path` relative to the working folder when it is inside it (as reports should show it)."""
    absolute = Path(os.path.normpath(path if path.is_absolute() else Path.cwd() / path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


TOP_KEYS = ("apis", "report", "validate", "jobs")
API_KEYS = ("name", "spec", "selector", "output", "validate", "targets")
TARGET_KEYS = (
    "rest_api_id",
    "api_name",
    "region",
    "profile",
    "stage",
    "mode",
    "create",
    "env",
    "http_api_id",
    "http_api_name",
)


def parse_config(text: str, name: str, *, pyproject: bool | None = None) -> Config:
    """Check and read configuration `text`; `name` is its path (relative paths inside it start there)."""
    is_pyproject = Path(name).name == PYPROJECT if pyproject is None else pyproject
    data = _toml(text, name)
    positions = TomlPositions(text, name)
    root: Key = ("tool", TOOL_KEY) if is_pyproject else ()
    reader = _Reader(positions, root, Path(name).resolve().parent)
    if is_pyproject:
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or TOOL_KEY not in tool:
            raise InputError(f"{PYPROJECT} has no [tool.{TOOL_KEY}] table", Location(name))
        data = tool[TOOL_KEY]
    top = reader.table(data, (), TOP_KEYS, f"[tool.{TOOL_KEY}]" if is_pyproject else "the configuration")
    report = reader.choice(top, "report", (), REPORTS)
    validate = reader.boolean(top, "validate", ())
    jobs = _jobs(reader, top)
    raw_apis = top.get("apis")
    if not isinstance(raw_apis, list) or not raw_apis:
        raise reader.error(
            ("apis",),
            "the configuration lists no APIs",
            hint='add an [[apis]] table with spec = "..." and selector = "..."'
            if not is_pyproject
            else f'add a [[tool.{TOOL_KEY}.apis]] table with spec = "..." and selector = "..."',
        )
    seen: dict[str, int] = {}
    apis = tuple(_api(reader, index, raw, seen) for index, raw in enumerate(raw_apis))
    return Config(path=name, apis=apis, report=report, validate=validate, jobs=jobs)


def _toml(text: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _DECODE_AT.search(message)
        if m:
            where = Location(name, int(m.group(1)), int(m.group(2)))
        elif message.endswith(_AT_END):
            lines = text.splitlines() or [""]
            where = Location(name, len(lines), len(lines[-1]) + 1)
        else:
            where = Location(name)
        raise InputError(
            f"invalid TOML: {_DECODE_AT.sub('', message).removesuffix(_AT_END)}", where
        ) from None


def _jobs(reader: _Reader, top: dict[str, Any]) -> int | None:
    if "jobs" not in top:
        return None
    jobs = top["jobs"]
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= 64:
        raise reader.error(("jobs",), f"'jobs' must be a whole number from 0 to 64, got {_kind(jobs)}")
    return jobs


def _api(reader: _Reader, index: int, raw: Any, seen: dict[str, int]) -> Api:
    """The `index`th [[apis]] table; `seen` maps the names so far to their index, to refuse a second."""
    path: Key = ("apis", index)
    table = reader.table(raw, path, API_KEYS, f"API {index + 1}")
    spec = reader.file(table, "spec", path, required=True)
    selector = reader.file(table, "selector", path, required=True)
    assert spec is not None
    assert selector is not None
    api_name = reader.string(table, "name", path) or spec
    if api_name in seen:
        raise reader.error(
            (*path, "name") if "name" in table else path,
            f"two APIs are called {api_name!r} (APIs {seen[api_name] + 1} and {index + 1})",
            hint="give each a different `name`",
        )
    seen[api_name] = index
    raw_targets = table.get("targets", {})
    if not isinstance(raw_targets, dict):
        raise reader.error((*path, "targets"), f"'targets' must be a table, got {_kind(raw_targets)}")
    return Api(
        name=api_name,
        spec=spec,
        selector=selector,
        output=reader.file(table, "output", path),
        validate=reader.boolean(table, "validate", path),
        targets={
            env: _target(reader, (*path, "targets", env), env, raw_target)
            for env, raw_target in raw_targets.items()
        },
        location=reader.positions.locate((*reader.root, *path)),
    )


def _target(reader: _Reader, path: Key, environment: str, raw: Any) -> Target:
    table = reader.table(raw, path, TARGET_KEYS, f"target {environment!r}")
    rest_api_id = reader.string(table, "rest_api_id", path)
    api_name = reader.string(table, "api_name", path)
    http_api_id = reader.string(table, "http_api_id", path)
    http_api_name = reader.string(table, "http_api_name", path)
    if sum(x is not None for x in (rest_api_id, api_name, http_api_id, http_api_name)) != 1:
        raise reader.error(
            path,
            f"target {environment!r} needs exactly one of rest_api_id and api_name (a REST API) or"
            " http_api_id and http_api_name (an HTTP API)",
        )
    env: dict[str, str] = {}
    raw_env = table.get("env", {})
    if not isinstance(raw_env, dict):
        raise reader.error((*path, "env"), f"'env' must be a table of strings, got {_kind(raw_env)}")
    for key, value in raw_env.items():
        if not _ENV_NAME.match(key) or not isinstance(value, str):
            raise reader.error(
                (*path, "env", key),
                f"env {key!r} must be a variable name set to a string, not {_kind(value)}",
            )
        env[key] = value
    mode = reader.choice(table, "mode", path, MODES) or "overwrite"
    create = reader.boolean(table, "create", path) or False
    if create and api_name is None and http_api_name is None:
        raise reader.error(
            (*path, "create"), "'create' needs api_name or http_api_name (the name of the API to create)"
        )
    if mode == "merge" and (http_api_id or http_api_name):
        raise reader.error(
            (*path, "mode"), "'mode = merge' is for REST APIs: ReimportApi replaces an HTTP API"
        )
    return Target(
        environment=environment,
        rest_api_id=rest_api_id,
        api_name=api_name,
        region=reader.string(table, "region", path),
        profile=reader.string(table, "profile", path),
        stage=reader.string(table, "stage", path),
        mode="merge" if mode == "merge" else "overwrite",
        create=create,
        env=env,
        http_api_id=http_api_id,
        http_api_name=http_api_name,
    )


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration at `path`, or the one `find_config` finds; `InputError` when there is none."""
    if path is None:
        found = find_config()
        if found is None:
            raise InputError(
                f"no SPEC given and no {CONFIG_FILE} or [tool.{TOOL_KEY}] in {PYPROJECT} found in this"
                " folder or its parents",
                hint=f"give a SPEC, or list your APIs in {CONFIG_FILE} (README: Pipelines and tools)",
            )
        path = found
    name = display_path(Path(path))
    return parse_config(decode_utf8(read_input(name), name), name)
