"""The shape of benchmarks/: small modules, and packages that import only the layers below them.

The top-level modules are the commands (`python -m benchmarks.run`, `.generate`, `.split`, `.summary`); the
packages are what they are made of, from `basics` up to `report`. Read from the files with `ast`, so a
module that imports upward fails here before it runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

BENCHMARKS = ROOT / "benchmarks"
# Bottom to top; packages on one line are siblings and never import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("basics",),
    ("timing", "outputs", "synthetic"),
    ("peers",),
    ("measuring",),
    ("targets",),
    ("report",),
)
LEVEL = {package: level for level, names in enumerate(LAYERS) for package in names}
MAX_LINES = 500


def modules() -> list[Path]:
    return sorted(p for p in BENCHMARKS.rglob("*.py") if ".cache" not in p.parts)


def imported(path: Path) -> set[str]:
    """The `benchmarks.*` modules a file imports, as dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "benchmarks":
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "benchmarks")
    return names


def package_of(dotted: str) -> str | None:
    """`benchmarks.timing.commands.Command` -> "timing"; a top-level module (a command) -> None."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LEVEL else None


def test_every_package_has_its_layer() -> None:
    packages = {p.name for p in BENCHMARKS.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LEVEL)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(BENCHMARKS)))
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(BENCHMARKS)))
def test_packages_import_only_downward(path: Path) -> None:
    relative = path.relative_to(BENCHMARKS)
    if len(relative.parts) == 1:  # a command: it may use every package, and no package uses it
        return
    own = relative.parts[0]
    for name in imported(path):
        target = package_of(name)
        assert target is not None, f"{relative} imports the command module {name}"
        downward = target == own or LEVEL[target] < LEVEL[own]
        assert downward, f"{relative} ({own}) imports {name}: upward or sideways"


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from benchmarks.report.text import render\nimport benchmarks.run\n", encoding="utf-8")
    found = imported(module)
    assert found == {"benchmarks.report.text.render", "benchmarks.run"}
    assert [package_of(n) for n in sorted(found)] == ["report", None]
